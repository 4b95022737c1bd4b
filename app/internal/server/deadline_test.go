package server

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// TestRequestDeadlineCannotBeClaimed: only a multipart POST/PATCH to the
// upload routes gets the upload time limit; any other request — a GET that
// merely says its body is multipart included — gets requestTimeout, and no
// request goes without a deadline.
func TestRequestDeadlineCannotBeClaimed(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	var got time.Duration
	r.Use(newApp(t, nil).deadlines)
	r.Any("/*path", func(c *gin.Context) {
		dl, ok := c.Request.Context().Deadline()
		if !ok {
			got = -1
			return
		}
		got = time.Until(dl)
	})
	mp := "multipart/form-data; boundary=x"
	for _, tc := range []struct {
		method, path, ctype string
		upload              bool
	}{
		{"GET", "/api/pages", mp, false},
		{"GET", "/api/media", mp, false},
		{"POST", "/api/pages", mp, false},
		{"DELETE", "/api/media/1", mp, false},
		{"POST", "/api/users/login", mp, false},
		{"POST", "/api/mediax", mp, false},
		{"POST", "/api/media", "application/json", false},
		{"POST", "/api/media", mp, true},
		{"PATCH", "/api/media/1", mp, true},
		{"POST", "/admin/collections/media/create", mp, true},
	} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		req.Header.Set("Content-Type", tc.ctype)
		got = 0
		r.ServeHTTP(httptest.NewRecorder(), req)
		want := requestTimeout
		if tc.upload {
			want = uploadTimeout
		}
		if got <= 0 || got > want || (!tc.upload && got > requestTimeout) || (tc.upload && got <= requestTimeout) {
			t.Errorf("%s %s (%s): deadline in %v, want at most %v", tc.method, tc.path, tc.ctype, got, want)
		}
	}
}
