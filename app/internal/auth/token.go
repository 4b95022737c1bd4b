package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/automatonic/chronos/app/internal/fault"
	"strings"
	"time"
)

// Token errors. Parse wraps exactly one of them; Authenticate turns them
// all into "anonymous".
var (
	ErrTokenMalformed   = fault.New(fault.Unauthorized, "The token is malformed.")
	ErrTokenAlgorithm   = fault.New(fault.Unauthorized, "The token's algorithm is not allowed.")
	ErrTokenSignature   = fault.New(fault.Unauthorized, "The token's signature is invalid.")
	ErrTokenExpired     = fault.New(fault.Unauthorized, "The token has expired.")
	ErrTokenNotYetValid = fault.New(fault.Unauthorized, "The token was issued in the future.")
)

// UsersCollection is the collection slug carried in tokens.
const UsersCollection = "users"

// jwtHeader is Payload's protected header, byte for byte (key order as jose
// serialises it).
const jwtHeader = `{"alg":"HS256","authVersion":1,"typ":"JWT"}`

const (
	maxTokenBytes = 4096
	// clockSkew tolerates small differences between the issuing and the
	// verifying clock for iat.
	clockSkew = time.Minute
)

// Claims are the JWT claims Payload puts in a users token.
type Claims struct {
	ID         int64  `json:"id"`
	Collection string `json:"collection"`
	Email      string `json:"email"`
	SID        string `json:"sid"`
	IssuedAt   int64  `json:"iat"`
	ExpiresAt  int64  `json:"exp"`
}

// TokenSigner signs and verifies HS256 JWTs with Payload's key derivation.
type TokenSigner struct {
	key []byte
}

// SigningKey derives the HMAC key from the CMS secret the way Payload does:
// the first 32 characters of hex(sha256(secret)), used as bytes. Tokens are
// therefore interchangeable with a Payload server sharing the secret.
func SigningKey(secret []byte) []byte {
	sum := sha256.Sum256(secret)
	return []byte(hex.EncodeToString(sum[:])[:32])
}

// NewTokenSigner returns a signer for the CMS secret.
func NewTokenSigner(secret []byte) *TokenSigner {
	return &TokenSigner{key: SigningKey(secret)}
}

// Sign returns the compact JWT for c.
func (s *TokenSigner) Sign(c Claims) (string, error) {
	payload, err := json.Marshal(c)
	if err != nil {
		return "", fmt.Errorf("auth: encoding claims: %w", err)
	}
	b64 := base64.RawURLEncoding
	signing := b64.EncodeToString([]byte(jwtHeader)) + "." + b64.EncodeToString(payload)
	return signing + "." + b64.EncodeToString(s.mac(signing)), nil
}

func (s *TokenSigner) mac(signing string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(signing))
	return m.Sum(nil)
}

// Parse verifies token and returns its claims. The header must name HS256
// (anything else, "none" included, is ErrTokenAlgorithm); the signature is
// checked in constant time before the claims are decoded; exp must be after
// now and iat not more than a minute after it.
func (s *TokenSigner) Parse(token string, now time.Time) (Claims, error) {
	var c Claims
	if len(token) > maxTokenBytes {
		return c, ErrTokenMalformed
	}
	h64, rest, ok1 := strings.Cut(token, ".")
	p64, sig64, ok2 := strings.Cut(rest, ".")
	if !ok1 || !ok2 || strings.Contains(sig64, ".") {
		return c, ErrTokenMalformed
	}
	b64 := base64.RawURLEncoding.Strict()
	hdrJSON, err := b64.DecodeString(h64)
	if err != nil {
		return c, ErrTokenMalformed
	}
	var hdr struct {
		Alg  string   `json:"alg"`
		Typ  string   `json:"typ"`
		Crit []string `json:"crit"`
	}
	if err := json.Unmarshal(hdrJSON, &hdr); err != nil {
		return c, ErrTokenMalformed
	}
	if hdr.Alg != "HS256" || len(hdr.Crit) > 0 {
		return c, ErrTokenAlgorithm
	}
	if hdr.Typ != "" && hdr.Typ != "JWT" {
		return c, ErrTokenMalformed
	}
	sig, err := b64.DecodeString(sig64)
	if err != nil {
		return c, ErrTokenMalformed
	}
	if !hmac.Equal(sig, s.mac(h64+"."+p64)) {
		return c, ErrTokenSignature
	}
	payload, err := b64.DecodeString(p64)
	if err != nil {
		return c, ErrTokenMalformed
	}
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		return Claims{}, ErrTokenMalformed
	}
	if c.ID <= 0 || c.SID == "" || c.ExpiresAt == 0 || c.IssuedAt == 0 {
		return Claims{}, ErrTokenMalformed
	}
	if now.Unix() >= c.ExpiresAt {
		return Claims{}, ErrTokenExpired
	}
	if time.Unix(c.IssuedAt, 0).After(now.Add(clockSkew)) {
		return Claims{}, ErrTokenNotYetValid
	}
	return c, nil
}
