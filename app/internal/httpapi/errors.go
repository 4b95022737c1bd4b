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

// Messages Payload clients know.
const (
	msgForbidden   = "You are not allowed to perform this action."
	msgNotFound    = "Not Found"
	msgInvalidJSON = "Invalid JSON"
	msgServerError = "Something went wrong."
	msgUnavailable = "The service is temporarily unavailable. Please retry."
)

// unavailable is implemented by errors of a dependency that is down (the
// database, the object store): they become 503 so clients retry.
type unavailable interface{ Unavailable() bool }

// IsUnavailable reports whether err comes from a dependency that is down.
func IsUnavailable(err error) bool {
	var u unavailable
	return errors.As(err, &u) && u.Unavailable()
}

// pathsData renders QueryError data: [{path}].
func pathsData(paths []string) []map[string]string {
	out := make([]map[string]string, len(paths))
	for i, p := range paths {
		out[i] = map[string]string{"path": p}
	}
	return out
}

// statusOf maps an error onto its HTTP status and envelope. It is the one
// place that does; 5xx bodies are generic and the error goes to the log.
func statusOf(err error) (int, errorEnvelope) {
	var (
		ve  *content.ValidationError
		qe  *query.Error
		qve *content.QueryValueError
		se  *query.SyntaxError
		le  *query.LimitError
		mbe *http.MaxBytesError
		pe  *publicError
		fe  *fault.Error
	)
	one := func(status int, msg string) (int, errorEnvelope) {
		return status, errorEnvelope{Errors: []apiError{{Message: msg}}}
	}
	switch {
	case errors.As(err, &pe):
		return one(pe.status, pe.msg)
	case errors.As(err, &fe):
		return faultStatus(fe)
	case errors.As(err, &ve):
		data := map[string]any{"collection": ve.Collection, "errors": ve.Errors}
		if ve.Global {
			data = map[string]any{"global": ve.Collection, "errors": ve.Errors}
		}
		if ve.ID != 0 {
			data["id"] = ve.ID
		}
		return http.StatusBadRequest, errorEnvelope{Errors: []apiError{{Name: "ValidationError", Data: data, Message: ve.Error()}}}
	case errors.As(err, &qe):
		return http.StatusBadRequest, errorEnvelope{Errors: []apiError{{Name: "QueryError", Data: pathsData(qe.Paths), Message: qe.Error()}}}
	case errors.As(err, &qve):
		return http.StatusBadRequest, errorEnvelope{Errors: []apiError{{Name: "QueryError", Data: pathsData([]string{qve.Path}), Message: qve.Error()}}}
	case errors.As(err, &le):
		return http.StatusBadRequest, errorEnvelope{Errors: []apiError{{Name: "QueryError", Data: pathsData([]string{le.Path}), Message: le.Error()}}}
	case errors.As(err, &se):
		return one(http.StatusBadRequest, se.Message)
	case errors.As(err, &mbe):
		return one(http.StatusRequestEntityTooLarge, "The request body is too large.")
	case errors.Is(err, content.ErrForbidden):
		return one(http.StatusForbidden, msgForbidden)
	case errors.Is(err, content.ErrNotFound):
		return one(http.StatusNotFound, msgNotFound)
	case IsUnavailable(err):
		return one(http.StatusServiceUnavailable, msgUnavailable)
	}
	return one(http.StatusInternalServerError, msgServerError)
}

// kindStatus is the HTTP status of each fault kind.
var kindStatus = map[fault.Kind]int{
	fault.Internal:     http.StatusInternalServerError,
	fault.NotFound:     http.StatusNotFound,
	fault.Forbidden:    http.StatusForbidden,
	fault.Unauthorized: http.StatusUnauthorized,
	fault.Invalid:      http.StatusBadRequest,
	fault.Conflict:     http.StatusConflict,
	fault.TooLarge:     http.StatusRequestEntityTooLarge,
	fault.Unavailable:  http.StatusServiceUnavailable,
	fault.RateLimited:  http.StatusTooManyRequests,
	fault.Unsupported:  http.StatusNotImplemented,
}

// faultStatus answers a fault.Error: its kind's status and its public
// message, except that server-side kinds get generic messages.
func faultStatus(fe *fault.Error) (int, errorEnvelope) {
	status, ok := kindStatus[fe.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	msg := fe.Public
	switch fe.Kind {
	case fault.Internal:
		msg = msgServerError
	case fault.Unavailable:
		msg = msgUnavailable
	case fault.NotFound:
		msg = msgNotFound
	case fault.Forbidden:
		msg = msgForbidden
	}
	return status, errorEnvelope{Errors: []apiError{{Message: msg}}}
}

// publicError is an error whose message and status are meant for the client.
type publicError struct {
	status int
	msg    string
}

func (e *publicError) Error() string { return e.msg }

// Public returns an error shown to the client as is, with status.
func Public(status int, msg string) error { return &publicError{status: status, msg: msg} }

// fail writes err in Payload's envelope and logs server-side failures.
func (a *API) fail(c *gin.Context, err error) {
	status, env := statusOf(err)
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
