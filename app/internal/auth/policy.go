package auth

import (
	_ "embed"
	"fmt"
	"github.com/automatonic/chronos/app/internal/fault"
	"strings"
	"unicode/utf8"
)

// Password length limits (NIST SP 800-63B §3.1.1.2).
const (
	// DefaultPasswordMinLength is the minimum length in characters (Unicode
	// code points) when the configuration does not raise it.
	DefaultPasswordMinLength = 8
	// MinPasswordMinLength is the lowest minimum the configuration may set;
	// NIST requires at least 8 characters for user-chosen passwords.
	MinPasswordMinLength = 8
	// PasswordMaxBytes caps passwords at 256 bytes of UTF-8. NIST asks to
	// allow at least 64 characters; 256 bytes admits any passphrase a person
	// types while keeping the hashing input (and request bodies) bounded.
	PasswordMaxBytes = 256
)

//go:embed common-passwords.txt
var commonPasswordsFile string

// PasswordPolicy checks new passwords. It is immutable and safe for
// concurrent use.
type PasswordPolicy struct {
	minLength int
	common    map[string]struct{}
}

// NewPasswordPolicy returns a policy with the given minimum length in
// characters; 0 means DefaultPasswordMinLength. Values below
// MinPasswordMinLength are raised to it.
func NewPasswordPolicy(minLength int) *PasswordPolicy {
	if minLength == 0 {
		minLength = DefaultPasswordMinLength
	}
	minLength = max(minLength, MinPasswordMinLength)
	common := make(map[string]struct{}, 1500)
	for line := range strings.SplitSeq(commonPasswordsFile, "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		common[strings.ToLower(line)] = struct{}{}
	}
	return &PasswordPolicy{minLength: minLength, common: common}
}

// MinLength returns the minimum password length in characters.
func (p *PasswordPolicy) MinLength() int { return p.minLength }

// Check returns nil when password is acceptable for the account with the
// given email, else an Invalid error on "password" whose message can be
// shown to the user.
func (p *PasswordPolicy) Check(password, email string) error {
	switch {
	case password == "":
		return fault.Field("password", msgRequired)
	case !utf8.ValidString(password):
		return fault.Field("password", "The password must be valid UTF-8 text.")
	case len(password) > PasswordMaxBytes:
		return fault.Field("password", fmt.Sprintf(
			"This value must be shorter than the max length of %d characters.", PasswordMaxBytes))
	case utf8.RuneCountInString(password) < p.minLength:
		return fault.Field("password", fmt.Sprintf(
			"This value must be longer than the minimum length of %d characters.", p.minLength))
	case email != "" && strings.EqualFold(strings.TrimSpace(password), strings.TrimSpace(email)):
		return fault.Field("password", "The password must not be the same as the email address.")
	}
	if _, bad := p.common[strings.ToLower(password)]; bad {
		return fault.Field("password", "This password is too common. Please choose a less predictable one.")
	}
	return nil
}
