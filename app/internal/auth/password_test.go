package auth

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
)

// cheapParams keep unit tests fast; BenchmarkHash measures the real cost.
var cheapParams = Argon2Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

type payloadVectors struct {
	Password  string `json:"password"`
	Salt      string `json:"salt"`
	V1        string `json:"v1"`
	V2        string `json:"v2"`
	Legacy    string `json:"legacy"`
	JWTSecret string `json:"jwtSecret"`
	JWT       string `json:"jwt"`
}

func loadVectors(t testing.TB) payloadVectors {
	t.Helper()
	b, err := os.ReadFile("testdata/payload-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v payloadVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestHashVerifyArgon2(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(cheapParams, 0)
	hash, err := h.Hash(ctx, "s3cret-pass")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash %q not in PHC form", hash)
	}
	hash2, _ := h.Hash(ctx, "s3cret-pass")
	if hash == hash2 {
		t.Fatal("two hashes of the same password are equal: salt not random")
	}
	ok, rehash, err := h.Verify(ctx, "s3cret-pass", hash, "")
	if err != nil || !ok || rehash {
		t.Fatalf("Verify(right) = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	ok, _, err = h.Verify(ctx, "s3cret-pasS", hash, "")
	if err != nil || ok {
		t.Fatalf("Verify(wrong) = %v, %v; want false, nil", ok, err)
	}
	// Stronger parameters make older argon2 hashes stale.
	h2 := NewHasher(Argon2Params{Memory: 128, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}, 0)
	ok, rehash, err = h2.Verify(ctx, "s3cret-pass", hash, "")
	if err != nil || !ok || !rehash {
		t.Fatalf("Verify with new params = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
}

func TestVerifyPayloadFormats(t *testing.T) {
	ctx := context.Background()
	v := loadVectors(t)
	h := NewHasher(cheapParams, 0)
	for _, tc := range []struct {
		name, hash string
	}{
		{"v1 600k/32", v.V1},
		{"v2 embedded params", v.V2},
		{"legacy 25k/512", v.Legacy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, rehash, err := h.Verify(ctx, v.Password, tc.hash, v.Salt)
			if err != nil || !ok || !rehash {
				t.Fatalf("Verify(right) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			ok, _, err = h.Verify(ctx, v.Password+"x", tc.hash, v.Salt)
			if err != nil || ok {
				t.Fatalf("Verify(wrong) = %v, %v", ok, err)
			}
		})
	}
	t.Run("generated v1 round trip", func(t *testing.T) {
		hash, salt, err := HashPayloadPBKDF2("pw-123456789")
		if err != nil {
			t.Fatal(err)
		}
		if ok, _, err := h.Verify(ctx, "pw-123456789", hash, salt); !ok || err != nil {
			t.Fatalf("Verify = %v, %v", ok, err)
		}
	})
}

func TestVerifyMalformed(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(cheapParams, 0)
	for _, tc := range []struct{ name, hash, salt string }{
		{"empty", "", "ab"},
		{"v1 not hex", "pbkdf2-sha256-v1:zz", "ab"},
		{"v1 short key", "pbkdf2-sha256-v1:abcd", "ab"},
		{"v1 no salt", "pbkdf2-sha256-v1:" + strings.Repeat("ab", 32), ""},
		{"v2 huge iterations", "pbkdf2-sha256-v2-i999999999-l32:" + strings.Repeat("ab", 32), "ab"},
		{"v2 malformed", "pbkdf2-sha256-v2-i100000-l32", "ab"},
		{"argon2 wrong version", "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43), ""},
		{"argon2 huge memory", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43), ""},
		{"argon2 unknown key", "$argon2id$v=19$m=64,t=1,x=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43), ""},
		{"argon2i", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$" + strings.Repeat("A", 43), ""},
		{"unknown scheme", "$2a$10$abcdefghijklmnopqrstuv", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, _, err := h.Verify(ctx, "pw", tc.hash, tc.salt)
			if ok || !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("Verify = %v, %v; want false, ErrMalformedHash", ok, err)
			}
		})
	}
}

// kdfCall records one key derivation's inputs.
type kdfCall struct {
	passLen, saltLen     int
	time, memory, keyLen uint32
	threads              uint8
}

// TestDummyVerifyDoesSameWork checks that an unknown email costs exactly the
// same argon2id derivation as a known user's wrong password.
func TestDummyVerifyDoesSameWork(t *testing.T) {
	ctx := context.Background()
	h := NewHasher(cheapParams, 0)
	hash, err := h.Hash(ctx, "real-password")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var calls []kdfCall
	real := h.argonKey
	h.argonKey = func(pw, salt []byte, tm, mem uint32, th uint8, kl uint32) []byte {
		mu.Lock()
		calls = append(calls, kdfCall{len(pw), len(salt), tm, mem, kl, th})
		mu.Unlock()
		return real(pw, salt, tm, mem, th, kl)
	}
	if ok, _, _ := h.Verify(ctx, "wrong-password", hash, ""); ok {
		t.Fatal("wrong password verified")
	}
	h.DummyVerify(ctx, "wrong-password")
	if len(calls) != 2 {
		t.Fatalf("got %d derivations, want 2", len(calls))
	}
	if calls[0] != calls[1] {
		t.Fatalf("DummyVerify derivation %+v differs from Verify's %+v", calls[1], calls[0])
	}
}

func TestHasherSemaphoreHonoursContext(t *testing.T) {
	h := NewHasher(cheapParams, 1)
	h.sem <- struct{}{} // occupy the only slot
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := h.Hash(ctx, "pw"); !errors.Is(err, context.Canceled) {
		t.Fatalf("Hash with busy semaphore and cancelled ctx: err = %v", err)
	}
	<-h.sem
}

// BenchmarkHash measures one argon2id hash with the default parameters; the
// README quotes its ns/op.
func BenchmarkHash(b *testing.B) {
	ctx := context.Background()
	h := NewHasher(DefaultArgon2Params(), 0)
	for b.Loop() {
		if _, err := h.Hash(ctx, "benchmark-password"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPBKDF2 measures verifying an imported Payload v1 hash
// (PBKDF2-SHA256, 600,000 iterations).
func BenchmarkVerifyPBKDF2(b *testing.B) {
	ctx := context.Background()
	v := loadVectors(b)
	h := NewHasher(DefaultArgon2Params(), 0)
	for b.Loop() {
		if ok, _, err := h.Verify(ctx, v.Password, v.V1, v.Salt); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
