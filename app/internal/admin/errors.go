package admin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/gin-gonic/gin"
)

// The admin's one mapping from errors to what a user sees. The status of
// a page is the fault kind's (fault's table, the same one the REST API
// answers with); the wording of pages is the admin's own, here.

// kindPages are the title and sentence of the error page of the kinds
// whose page does not show the error's own public message.
var kindPages = map[fault.Kind]struct{ title, message string }{
	fault.Internal:    {"Something went wrong", "Something went wrong. The error was logged; please try again."},
	fault.Unavailable: {"Temporarily unavailable", "The service is temporarily unavailable. The error was logged; please try again shortly."},
	fault.NotFound:    {"Not found", "Nothing here. The document may have been deleted."},
}

// pageOf is the status, title and message of err's error page.
func pageOf(err error) (status int, title, message string) {
	kind := fault.KindOf(err)
	if p, ok := kindPages[kind]; ok {
		return kind.Status(), p.title, p.message
	}
	if kind.Private() {
		p := kindPages[fault.Internal]
		return kind.Status(), p.title, p.message
	}
	return kind.Status(), "Could not do that", fault.Message(err)
}

// userFixable reports whether err is one the user can act on (a form or
// flash message), not a page: invalid input, a conflict, a size or rate
// limit, an unsupported option, a forbidden action.
func userFixable(err error) bool {
	switch fault.KindOf(err) {
	case fault.Internal, fault.Unavailable, fault.NotFound:
		return false
	}
	return true
}

// errorPage answers err with its page, logging server-side failures.
func (a *Admin) errorPage(c *gin.Context, err error) {
	status, title, msg := pageOf(err)
	if status >= http.StatusInternalServerError {
		a.logFailure(c, err)
	}
	a.render(c, status, "error", page{Title: title, Data: map[string]any{"Message": msg}})
}

// notFound shows the 404 page.
func (a *Admin) notFound(c *gin.Context) { a.errorPage(c, errNotFound) }

// errNotFound is the admin's own 404 (an unknown route or collection).
var errNotFound = fault.New(fault.NotFound, "Not Found")

func (a *Admin) logFailure(c *gin.Context, err error) {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		a.log.Warn("admin request cancelled", "path", c.Request.URL.Path, "err", err)
		return
	}
	a.log.Error("admin request failed", "method", c.Request.Method, "path", c.Request.URL.Path, "err", err)
}

// flashMessage is what a flash tells the user about err: every field
// error of invalid input, the public message of a user-fixable error, the
// page's sentence (and a log line) for anything else.
func (a *Admin) flashMessage(c *gin.Context, err error) string {
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		msgs := make([]string, 0, len(fields))
		for _, fe := range fields {
			name := fe.Label
			if name == "" {
				name = fe.Path
			}
			msgs = append(msgs, name+": "+fe.Message)
		}
		return strings.Join(msgs, "; ")
	}
	status, _, msg := pageOf(err)
	if status >= http.StatusInternalServerError {
		a.logFailure(c, err)
	}
	return msg
}

// formErrors puts err on a form: field errors next to their fields (the
// first per field), a user-fixable error as the form's message. It returns
// false for errors that are not the user's (answer them with errorPage).
func formErrors(f *form, err error) bool {
	if fields := fault.FieldsOf(err); len(fields) > 0 {
		for _, fe := range fields {
			if _, seen := f.Errors[fe.Path]; !seen {
				f.Errors[fe.Path] = fe.Message
			}
		}
		return true
	}
	if userFixable(err) {
		f.Error = fault.Message(err)
		return true
	}
	return false
}

// failed answers a failed form action: a user-fixable error is flashed
// and the browser sent back; anything else gets its error page. It
// reports whether err was answered (false for nil).
func (a *Admin) failed(c *gin.Context, err error, back string) bool {
	if err == nil {
		return false
	}
	if !userFixable(err) {
		a.errorPage(c, err)
		return true
	}
	a.flash(c, "error", a.flashMessage(c, err))
	c.Redirect(http.StatusSeeOther, back)
	return true
}
