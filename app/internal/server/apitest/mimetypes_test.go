package apitest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/media"
)

// seedFile stores a media document for a file of mimeType through the
// content service (no upload needed) and returns its id.
func seedFile(t *testing.T, e *env, filename, mimeType string) string {
	t.Helper()
	actor := &content.Actor{ID: 1, Email: "admin@example.com", Roles: []string{content.RoleAdmin}}
	res, err := e.app.Content().Create(context.Background(), actor, collections.MediaSlug, map[string]any{"alt": filename},
		content.WriteOptions{Attachment: media.Preset(map[string]any{"url": "/api/media/file/" + filename, "filename": filename, "mimeType": mimeType, "filesize": json.Number("10")})})
	if err != nil {
		t.Fatalf("seed %s: %v", filename, err)
	}
	return fmt.Sprint(res.Doc["id"])
}

// seedImage stores a PNG media document and returns its id.
func seedImage(t *testing.T, e *env, filename string) string {
	t.Helper()
	return seedFile(t, e, filename, "image/png")
}

// TestUploadMimeTypes: an upload field limited by MimeTypes refuses a file
// of another type with a 400 ValidationError naming the field (top level,
// in a group, in a block; on create, update and draft saves), accepts the
// types it lists (a media block takes videos, a hero only images), and
// keeps a value the stored page already held (a file replaced by a PDF
// later), so that editing around it still saves. Both dialects.
func TestUploadMimeTypes(t *testing.T) {
	forEachDialect(t, func(t *testing.T, dialect string) {
		e := newEnv(t, dialect, nil)
		seedContent(t, e)
		e.set("pdf", seedFile(t, e, "report.pdf", "application/pdf"))
		e.set("video", seedFile(t, e, "clip.mp4", "video/mp4"))
		h := map[string]string{"Authorization": "JWT {{admin}}", "Content-Type": "application/json"}
		refused := func(name, method, path, body, field, file, mime string) {
			t.Helper()
			res := e.do(t, request{Method: method, Path: path, Headers: h, Body: body})
			if res.Status != 400 {
				t.Fatalf("%s: %d, want 400: %s", name, res.Status, truncate(string(res.Raw), 600))
			}
			if got := dig(res.JSON, "errors.0.name"); got != "ValidationError" {
				t.Errorf("%s: error %v, want ValidationError", name, got)
			}
			errs, _ := dig(res.JSON, "errors.0.data.errors").([]any)
			if len(errs) != 1 || dig(errs[0], "path") != field {
				t.Fatalf("%s: field errors %s, want one for %s", name, truncate(string(res.Raw), 600), field)
			}
			msg, _ := dig(errs[0], "message").(string)
			if !strings.Contains(msg, file) || !strings.Contains(msg, mime) || !strings.Contains(msg, "image/*") {
				t.Errorf("%s: message %q should name the file, its type and the accepted types", name, msg)
			}
		}
		refused("a PDF as a new page's hero image", "POST", "/api/pages?depth=0", `{"title":"P","slug":"p","heroImage":{{pdf}}}`,
			"heroImage", "report.pdf", "application/pdf")
		refused("a text file as the SEO image", "PATCH", "/api/pages/{{home}}?depth=0", `{"meta":{"image":{{notes}}}}`,
			"meta.image", "notes.txt", "text/plain")
		refused("a PDF in a draft save", "PATCH", "/api/pages/{{home}}?draft=true&depth=0", `{"heroImage":{{pdf}}}`,
			"heroImage", "report.pdf", "application/pdf")
		refused("a video as a hero block's media", "PATCH", "/api/pages/{{home}}?depth=0",
			`{"layout":[{"blockType":"hero","heading":"H","media":{{video}}}]}`, "layout.0.media", "clip.mp4", "video/mp4")
		refused("a PDF in a media block", "PATCH", "/api/pages/{{home}}?depth=0",
			`{"layout":[{"blockType":"content"},{"blockType":"mediaBlock","media":{{pdf}}}]}`, "layout.1.media", "report.pdf", "application/pdf")
		// A bulk update answers as Payload's does: the document it could not
		// update, naming the field.
		res := e.do(t, request{Method: "PATCH", Path: "/api/pages?where[slug][equals]=home&depth=0", Headers: h, Body: `{"heroImage":{{pdf}}}`})
		if msg, _ := dig(res.JSON, "errors.0.message").(string); res.Status != 400 || !strings.Contains(msg, "Hero Image") {
			t.Fatalf("bulk update with a PDF hero: %d %s", res.Status, truncate(string(res.Raw), 600))
		}

		// The accepted types save.
		res = e.do(t, request{Method: "PATCH", Path: "/api/pages/{{home}}?depth=0", Headers: h,
			Body: `{"heroImage":{{hero}},"layout":[{"blockType":"mediaBlock","media":{{video}}},{"blockType":"hero","media":{{hero}}}]}`})
		if res.Status != 200 {
			t.Fatalf("image hero and video media block: %d %s", res.Status, truncate(string(res.Raw), 600))
		}

		// A page holding a file that became a PDF (replaced) still saves;
		// choosing that PDF for another limited field does not.
		e.set("swapped", seedImage(t, e, "swapped.png"))
		res = e.do(t, request{Method: "POST", Path: "/api/pages?depth=0", Headers: h, Body: `{"title":"Old","slug":"old","heroImage":{{swapped}}}`})
		if res.Status != 201 {
			t.Fatalf("page with an image hero: %d %s", res.Status, truncate(string(res.Raw), 600))
		}
		e.set("old", res.str(t, "doc.id"))
		actor := &content.Actor{ID: 1, Email: "admin@example.com", Roles: []string{content.RoleAdmin}}
		var swapped int64
		fmt.Sscan(e.get("swapped"), &swapped)
		if _, err := e.app.Content().Update(context.Background(), actor, collections.MediaSlug, swapped, map[string]any{},
			content.WriteOptions{Attachment: media.Preset(map[string]any{"url": "/api/media/file/swapped.pdf", "filename": "swapped.pdf", "mimeType": "application/pdf", "filesize": json.Number("10")})}); err != nil {
			t.Fatalf("replace the file by a PDF: %v", err)
		}
		res = e.do(t, request{Method: "PATCH", Path: "/api/pages/{{old}}?depth=0", Headers: h, Body: `{"title":"Old, edited"}`})
		if res.Status != 200 || dig(res.JSON, "doc.heroImage") == nil {
			t.Fatalf("editing around a hero that became a PDF: %d %s", res.Status, truncate(string(res.Raw), 600))
		}
		refused("the replaced PDF in another page", "PATCH", "/api/pages/{{about}}?depth=0", `{"heroImage":{{swapped}}}`,
			"heroImage", "swapped.pdf", "application/pdf")
	})
}
