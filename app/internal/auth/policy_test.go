package auth

import (
	"github.com/automatonic/chronos/app/internal/fault"
	"strings"
	"testing"
)

func TestPasswordPolicy(t *testing.T) {
	p := NewPasswordPolicy(0)
	for _, tc := range []struct {
		name, password, email string
		wantMsg               string // substring; "" = accepted
	}{
		{"ok", "correct horse battery", "a@example.com", ""},
		{"empty", "", "a@example.com", "required"},
		{"too short", "abc1234", "a@example.com", "minimum length of 8"},
		{"8 runes multibyte ok", "ñandúñan", "a@example.com", ""},
		{"too long", strings.Repeat("x", PasswordMaxBytes+1), "", "max length of 256"},
		{"max length ok", strings.Repeat("xy", PasswordMaxBytes/2), "", ""},
		{"equal to email", "Alice@Example.com", "alice@example.com", "same as the email"},
		{"common", "password", "", "too common"},
		{"common case-insensitive", "IloveYou", "", "too common"},
		{"common 8+", "qwertyuiop", "", "too common"},
		{"invalid utf8", "abcdefgh\xff", "", "UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := p.Check(tc.password, tc.email)
			if tc.wantMsg == "" {
				if err != nil {
					t.Fatalf("Check = %v, want nil", err)
				}
				return
			}
			fe := fault.FieldsOf(err)
			if len(fe) != 1 || fe[0].Path != "password" || !strings.Contains(fe[0].Message, tc.wantMsg) {
				t.Fatalf("Check = %v, want password error containing %q", err, tc.wantMsg)
			}
		})
	}
}

func TestPasswordPolicyMinLength(t *testing.T) {
	if got := NewPasswordPolicy(4).MinLength(); got != MinPasswordMinLength {
		t.Fatalf("min length 4 not raised: %d", got)
	}
	p := NewPasswordPolicy(12)
	if err := p.Check("elevenchars", ""); err == nil {
		t.Fatal("11 chars accepted with min 12")
	}
	if err := p.Check("twelve chars", ""); err != nil {
		t.Fatal(err)
	}
}

func TestCommonListLoaded(t *testing.T) {
	p := NewPasswordPolicy(0)
	if n := len(p.common); n < 1000 {
		t.Fatalf("common password list has %d entries, want >= 1000", n)
	}
	for w := range p.common {
		if w != strings.ToLower(w) || strings.TrimSpace(w) != w {
			t.Fatalf("list entry %q not normalised", w)
		}
	}
}
