package httpapi

import (
	"net/http"
	"testing"

	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/objectstore"
)

// TestEveryKindHasAStatus: a new fault kind cannot reach clients as a 500
// by omission.
func TestEveryKindHasAStatus(t *testing.T) {
	for _, k := range fault.Kinds() {
		if _, ok := kindStatus[k]; !ok {
			t.Errorf("kind %s has no HTTP status", k)
		}
	}
}

// TestDeclaredErrorsAnswer lists the exported errors declared with fault
// and asserts each one's status and envelope message.
func TestDeclaredErrorsAnswer(t *testing.T) {
	tests := []struct {
		err        error
		wantStatus int
		wantMsg    string
	}{
		{media.ErrNoFile, http.StatusBadRequest, "No files were uploaded."},
		{media.ErrEmptyFile, http.StatusBadRequest, "The uploaded file is empty."},
		{media.ErrTooLarge, http.StatusRequestEntityTooLarge, "The file is too large."},
		{media.ErrTooLarge.Detail("over %d bytes", 5), http.StatusRequestEntityTooLarge, "The file is too large: over 5 bytes."},
		{media.ErrNameConflict, http.StatusConflict, "Generated file name already taken; please retry the upload."},
		{media.ErrBadToken, http.StatusBadRequest, "Invalid or expired upload token."},
		{media.ErrNotUploaded, http.StatusBadRequest, "The file has not been uploaded to the store yet."},
		{media.ErrInterrupted, http.StatusBadRequest, "Invalid multipart body."},
		{media.ErrBodyTooLarge, http.StatusRequestEntityTooLarge, "The request body is too large."},
		{media.ErrPresignUnsupported, http.StatusNotImplemented, "Direct uploads need an S3 object store; upload through POST /api/media instead."},
		{media.ErrOneFile, http.StatusBadRequest, "Only one file can be uploaded at a time."},
		{media.ErrInvalidPayload, http.StatusBadRequest, "Invalid JSON"},
		{media.ErrTypeNotAllowed, http.StatusBadRequest, "File type not allowed."},
		{media.ErrTypeMismatch, http.StatusBadRequest, "File content does not match its extension."},
		{media.ErrImageTooLarge, http.StatusBadRequest, "Image too large."},
		{media.ErrBadImage, http.StatusBadRequest, "Corrupt image."},
		{media.ErrNoUniqueName, http.StatusConflict, "No free filename; please retry the upload."},
		{objectstore.ErrUnavailable, http.StatusServiceUnavailable, msgUnavailable},
	}
	for _, tc := range tests {
		t.Run(tc.wantMsg, func(t *testing.T) {
			status, env := statusOf(tc.err)
			if status != tc.wantStatus || len(env.Errors) != 1 || env.Errors[0].Message != tc.wantMsg {
				t.Errorf("statusOf(%v) = %d %+v, want %d %q", tc.err, status, env, tc.wantStatus, tc.wantMsg)
			}
		})
	}
}
