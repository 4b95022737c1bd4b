package httpapi

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/gin-gonic/gin"
)

// apiError is one entry of Payload's error envelope.
type apiError struct {
	Name    string `json:"name,omitempty"`
	Data    any    `json:"data,omitempty"`
	Message string `json:"message"`
}

type errorEnvelope struct {
	Errors []apiError `json:"errors"`
}

// msgInvalidJSON is Payload's answer to a body that is not a JSON object.
const msgInvalidJSON = "Invalid JSON"

// Errors of the REST layer itself.
var (
	errInvalidJSON  = fault.New(fault.Invalid, msgInvalidJSON)
	errBodyTooLarge = fault.New(fault.TooLarge, "The request body is too large.")
	errRateLimited  = fault.New(fault.RateLimited, "Too many attempts. Please wait and try again.")
	errPresignInput = fault.New(fault.Invalid, "filename, mimeType and filesize are required.")
	errNotJSON      = fault.New(fault.UnsupportedType, "The request body must be sent as Content-Type: application/json (or multipart/form-data for an upload).")
)

// collectionKey is the gin context key under which a route group names
// the collection its field errors belong to (Payload's ValidationError
// carries it).
const collectionKey = "chronos.collection"

// pathsData renders QueryError data: [{path}].
func pathsData(paths ...string) []map[string]string {
	out := make([]map[string]string, len(paths))
	for i, p := range paths {
		out[i] = map[string]string{"path": p}
	}
	return out
}

// statusOf maps an error onto its HTTP status and Payload envelope. It is
// the one place that does: the status is the error's fault kind's; the
// envelope is a ValidationError for errors listing fields, a QueryError for
// query errors, and the kind's public message otherwise (5xx bodies are
// generic and the error goes to the log). collection names the route's
// collection for field errors that do not name their own.
func statusOf(err error, collection string) (int, errorEnvelope) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		err = errBodyTooLarge.Wrap(err)
	}
	kind := fault.KindOf(err)
	status, msg := kind.Status(), fault.Message(err)
	if kind.Private() {
		return status, errorEnvelope{Errors: []apiError{{Message: msg}}}
	}
	if ve := (*content.ValidationError)(nil); errors.As(err, &ve) {
		data := map[string]any{"collection": ve.Collection, "errors": ve.Errors}
		if ve.Global {
			data = map[string]any{"global": ve.Collection, "errors": ve.Errors}
		}
		if ve.ID != 0 {
			data["id"] = ve.ID
		}
		return status, errorEnvelope{Errors: []apiError{{Name: "ValidationError", Data: data, Message: ve.Error()}}}
	}
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		data := map[string]any{"collection": collection, "errors": fields}
		return status, errorEnvelope{Errors: []apiError{{Name: "ValidationError", Data: data, Message: fault.FieldsMessage(fields)}}}
	}
	if paths := queryPaths(err); paths != nil {
		return status, errorEnvelope{Errors: []apiError{{Name: "QueryError", Data: pathsData(paths...), Message: msg}}}
	}
	return status, errorEnvelope{Errors: []apiError{{Message: msg}}}
}

// queryPaths returns the paths of a query error (Payload's QueryError), or
// nil for other errors.
func queryPaths(err error) []string {
	var (
		qe  *query.Error
		qve *content.QueryValueError
		le  *query.LimitError
	)
	switch {
	case errors.As(err, &qe):
		return qe.Paths
	case errors.As(err, &qve):
		return []string{qve.Path}
	case errors.As(err, &le):
		return []string{le.Path}
	}
	return nil
}

// fail writes err in Payload's envelope and logs server-side failures.
func (a *API) fail(c *gin.Context, err error) {
	status, env := statusOf(err, c.GetString(collectionKey))
	if status >= 500 {
		a.log.LogAttrs(c.Request.Context(), slog.LevelError, "request failed",
			slog.String("method", c.Request.Method), slog.String("path", c.Request.URL.Path),
			slog.Int("status", status), slog.String("err", err.Error()))
		if status == http.StatusServiceUnavailable {
			c.Header("Retry-After", "2")
		}
	}
	a.json(c, status, env)
}
