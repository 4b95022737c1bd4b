package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTokenPayloadCompatible(t *testing.T) {
	v := loadVectors(t)
	s := NewTokenSigner([]byte(v.JWTSecret))
	c := Claims{ID: 1, Collection: "users", Email: "admin@example.com",
		SID: "54936cb6-fcd9-47ca-818b-d90528b5b5b5", IssuedAt: 1795564718, ExpiresAt: 1795571918}
	got, err := s.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	if got != v.JWT {
		t.Fatalf("Sign =\n%s\nwant (Node, Payload key derivation)\n%s", got, v.JWT)
	}
	parsed, err := s.Parse(v.JWT, time.Unix(1795564718+10, 0))
	if err != nil || parsed != c {
		t.Fatalf("Parse = %+v, %v", parsed, err)
	}
}

func TestTokenParseErrors(t *testing.T) {
	s := NewTokenSigner([]byte("secret"))
	now := time.Unix(1_800_000_000, 0)
	good := Claims{ID: 7, Collection: "users", Email: "e@x.io", SID: "sid", IssuedAt: now.Unix(), ExpiresAt: now.Unix() + 7200}
	tok, err := s.Sign(good)
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	b64 := base64.RawURLEncoding.EncodeToString
	other := NewTokenSigner([]byte("other-secret"))
	otherTok, _ := other.Sign(good)
	future := good
	future.IssuedAt = now.Unix() + 3600
	futureTok, _ := s.Sign(future)
	noSID := good
	noSID.SID = ""
	noSIDTok, _ := s.Sign(noSID)

	for _, tc := range []struct {
		name  string
		token string
		now   time.Time
		want  error
	}{
		{"valid", tok, now, nil},
		{"expired at exp", tok, now.Add(7200 * time.Second), ErrTokenExpired},
		{"expired after", tok, now.Add(3 * time.Hour), ErrTokenExpired},
		{"iat in the future", futureTok, now, ErrTokenNotYetValid},
		{"wrong key", otherTok, now, ErrTokenSignature},
		{"tampered payload", parts[0] + "." + b64([]byte(`{"id":1,"collection":"users","email":"e@x.io","sid":"sid","iat":1800000000,"exp":1800007200}`)) + "." + parts[2], now, ErrTokenSignature},
		{"tampered signature", parts[0] + "." + parts[1] + "." + b64([]byte("nope")), now, ErrTokenSignature},
		{"alg none", b64([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + ".", now, ErrTokenAlgorithm},
		{"alg HS512", b64([]byte(`{"alg":"HS512","typ":"JWT"}`)) + "." + parts[1] + "." + parts[2], now, ErrTokenAlgorithm},
		{"alg RS256", b64([]byte(`{"alg":"RS256"}`)) + "." + parts[1] + "." + parts[2], now, ErrTokenAlgorithm},
		{"crit header", b64([]byte(`{"alg":"HS256","crit":["b64"]}`)) + "." + parts[1] + "." + parts[2], now, ErrTokenAlgorithm},
		{"not a token", "not-a-token", now, ErrTokenMalformed},
		{"two parts", parts[0] + "." + parts[1], now, ErrTokenMalformed},
		{"four parts", tok + ".x", now, ErrTokenMalformed},
		{"bad base64", "!!." + parts[1] + "." + parts[2], now, ErrTokenMalformed},
		{"padded signature", tok + "=", now, ErrTokenMalformed},
		{"no sid", noSIDTok, now, ErrTokenMalformed},
		{"huge", strings.Repeat("a", 5000), now, ErrTokenMalformed},
		{"empty", "", now, ErrTokenMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := s.Parse(tc.token, tc.now)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Parse err = %v, want %v", err, tc.want)
			}
			if tc.want == nil && c != good {
				t.Fatalf("claims = %+v, want %+v", c, good)
			}
		})
	}
}

func TestTokenHeaderLayout(t *testing.T) {
	tok, _ := NewTokenSigner([]byte("k")).Sign(Claims{ID: 1, Collection: "users", SID: "s", IssuedAt: 1, ExpiresAt: 2})
	h, _ := base64.RawURLEncoding.DecodeString(strings.Split(tok, ".")[0])
	if string(h) != `{"alg":"HS256","authVersion":1,"typ":"JWT"}` {
		t.Fatalf("header = %s", h)
	}
}
