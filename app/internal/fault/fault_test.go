package fault

import (
	"errors"
	"fmt"
	"testing"
)

func TestErrorChain(t *testing.T) {
	sentinel := New(Invalid, "File type not allowed.")
	cause := errors.New("sniffed image/svg+xml")
	tests := []struct {
		name       string
		err        error
		wantKind   Kind
		wantPublic string
	}{
		{"sentinel", sentinel, Invalid, "File type not allowed."},
		{"detail", sentinel.Detail("%s", "image/svg+xml"), Invalid, "File type not allowed: image/svg+xml."},
		{"wrap keeps the public message", sentinel.Wrap(cause), Invalid, "File type not allowed."},
		{"fmt wrapping keeps the kind", fmt.Errorf("upload: %w", sentinel), Invalid, "File type not allowed."},
		{"fields", sentinel.WithFields(FieldError{Path: "file", Message: "bad"}), Invalid, "File type not allowed."},
		{"plain error is internal", cause, Internal, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := KindOf(tc.err); got != tc.wantKind {
				t.Errorf("KindOf = %v, want %v", got, tc.wantKind)
			}
			fe := Of(tc.err)
			if tc.wantKind == Internal {
				if fe != nil {
					t.Errorf("Of = %v, want nil", fe)
				}
				return
			}
			if fe.Public != tc.wantPublic {
				t.Errorf("Public = %q, want %q", fe.Public, tc.wantPublic)
			}
			if !errors.Is(tc.err, sentinel) {
				t.Error("errors.Is does not find the sentinel")
			}
		})
	}
	if !errors.Is(sentinel.Wrap(cause), cause) {
		t.Error("Wrap loses the cause")
	}
	if sentinel.Wrap(nil) != sentinel {
		t.Error("Wrap(nil) is not the sentinel")
	}
}

func TestKindNames(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		s := k.String()
		if s == "" || seen[s] {
			t.Errorf("kind %d has name %q (empty or repeated)", int(k), s)
		}
		seen[s] = true
	}
	if Kind(99).String() != "kind(99)" {
		t.Error("unknown kind name")
	}
}
