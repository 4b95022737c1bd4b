package httpapi

import (
	"net/http"
	"testing"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
)

// TestEveryKindHasAStatus: every fault kind answers a distinct client or
// server error status, so a new kind cannot reach clients as a 500 by
// omission.
func TestEveryKindHasAStatus(t *testing.T) {
	seen := map[int]fault.Kind{}
	for _, k := range fault.Kinds() {
		s := k.Status()
		if s < 400 || s > 599 {
			t.Errorf("kind %s has status %d", k, s)
		}
		if prev, dup := seen[s]; dup {
			t.Errorf("kinds %s and %s share status %d", prev, k, s)
		}
		seen[s] = k
	}
}

// TestFieldErrorsNameTheRouteCollection: a field error that does not name
// its collection (auth's) gets the route's in Payload's envelope.
func TestFieldErrorsNameTheRouteCollection(t *testing.T) {
	status, env := statusOf(fault.Field("email", "Please enter a valid email address."), "users")
	if status != http.StatusBadRequest || len(env.Errors) != 1 || env.Errors[0].Name != "ValidationError" {
		t.Fatalf("statusOf = %d %+v", status, env)
	}
	data := env.Errors[0].Data.(map[string]any)
	if data["collection"] != "users" || env.Errors[0].Message != "The following field is invalid: email" {
		t.Errorf("envelope = %+v", env.Errors[0])
	}
	status, env = statusOf(&content.ValidationError{Collection: "pages", ID: 3, Errors: []content.FieldError{{Path: "title", Message: "This field is required."}}}, "users")
	data = env.Errors[0].Data.(map[string]any)
	if status != http.StatusBadRequest || data["collection"] != "pages" || data["id"] != int64(3) {
		t.Errorf("content validation envelope = %d %+v", status, env.Errors[0])
	}
}
