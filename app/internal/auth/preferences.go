package auth

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of a preference (Payload's payload-preferences hold small JSON
// values; the admin keeps short strings).
const (
	MaxPreferenceName  = 64
	MaxPreferenceValue = 1024
)

// Preference returns the signed-in user's stored preference name ("" when
// unset or without a user).
func (s *Service) Preference(ctx context.Context, p *Principal, name string) (string, error) {
	if p == nil {
		return "", nil
	}
	v, err := s.store.Preference(ctx, p.User.ID, name)
	if err != nil {
		return "", fmt.Errorf("auth: preference %s: %w", name, err)
	}
	return v, nil
}

// SetPreference stores the signed-in user's preference name. Users set
// only their own preferences.
func (s *Service) SetPreference(ctx context.Context, p *Principal, name, value string) error {
	if p == nil {
		return ErrForbidden
	}
	if name == "" || len(name) > MaxPreferenceName || len(value) > MaxPreferenceValue ||
		!utf8.ValidString(name) || !utf8.ValidString(value) || strings.ContainsRune(name+value, 0) {
		return fmt.Errorf("auth: preference %q: invalid name or value", name)
	}
	if err := s.store.SetPreference(ctx, p.User.ID, name, value, s.clock()); err != nil {
		return fmt.Errorf("auth: set preference %s: %w", name, err)
	}
	return nil
}
