package admin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/gin-gonic/gin"
)

// form is a submitted form: what was typed (to show it again) and the
// errors per field.
type form struct {
	Values map[string]string
	Errors map[string]string
	Error  string // form-level message
}

func newForm() *form { return &form{Values: map[string]string{}, Errors: map[string]string{}} }

func (f *form) ok() bool { return len(f.Errors) == 0 && f.Error == "" }

// limitedLogin is false (and the form carries a message) when the client
// has tried too often.
func (a *Admin) limitedLogin(c *gin.Context, f *form) bool {
	if a.limiter == nil {
		return true
	}
	if ok, _ := a.limiter.Allow(c.ClientIP()); ok {
		return true
	}
	f.Error = "Too many attempts. Please wait a minute and try again."
	return false
}

func (a *Admin) loginPage(c *gin.Context) {
	if principalOf(c) != nil {
		c.Redirect(http.StatusSeeOther, safeRedirect(c.Query("redirect")))
		return
	}
	ok, err := a.auth.Init(c.Request.Context())
	if err != nil {
		a.errorPage(c, err)
		return
	}
	if !ok {
		c.Redirect(http.StatusSeeOther, "/admin/create-first-user")
		return
	}
	a.renderLogin(c, http.StatusOK, newForm(), c.Query("redirect"))
}

func (a *Admin) renderLogin(c *gin.Context, status int, f *form, redirect string) {
	a.renderLoginCarrying(c, status, f, redirect, "", "", false)
}

// renderLoginCarrying renders the sign-in page, carrying a save when
// carried (signed again: the signature is bound to the path and body).
func (a *Admin) renderLoginCarrying(c *gin.Context, status int, f *form, redirect, path, body string, carried bool) {
	if redirect != "" {
		redirect = safeRedirect(redirect)
	}
	data := map[string]any{"Form": f, "Redirect": redirect}
	if carried {
		data["Replay"] = &replayView{Path: path, Body: body, Sig: a.replaySig(c, path, body)}
	}
	a.render(c, status, "login", page{Title: "Sign in", Bare: true, Data: data})
}

func (a *Admin) login(c *gin.Context) {
	if !a.checkForm(c, "/admin/login") {
		return
	}
	f := newForm()
	email := strings.TrimSpace(c.PostForm("email"))
	f.Values["email"] = email
	password := c.PostForm("password")
	if email == "" {
		f.Errors["email"] = "This field is required."
	}
	if password == "" {
		f.Errors["password"] = "This field is required."
	}
	if len(email) > 254 || len(password) > 256 {
		f.Error = auth.ErrInvalidCredentials.Public
	}
	// A save carried by the sign-in page (replay.go) stays carried
	// through a failed attempt.
	path, body, carried := a.replayedSave(c)
	again := func(status int) {
		a.renderLoginCarrying(c, status, f, c.PostForm("redirect"), path, body, carried)
	}
	if !f.ok() || !a.limitedLogin(c, f) {
		again(http.StatusBadRequest)
		return
	}
	res, err := a.auth.Login(c.Request.Context(), email, password)
	if err != nil {
		if !formErrors(f, err) {
			a.errorPage(c, err)
			return
		}
		again(http.StatusUnauthorized)
		return
	}
	a.setSessionCookie(c, res.Token, res.ExpiresAt)
	if carried {
		if err := a.replaySave(c, res.Token, path, body); err != nil {
			a.errorPage(c, err)
		}
		return
	}
	a.flash(c, "success", "Signed in. Welcome back!")
	c.Redirect(http.StatusSeeOther, safeRedirect(c.PostForm("redirect")))
}

func (a *Admin) logoutPage(c *gin.Context) {
	a.render(c, http.StatusOK, "logout", page{Title: "Sign out", Bare: true})
}

func (a *Admin) logout(c *gin.Context) {
	if !a.checkForm(c, "/admin/logout") {
		return
	}
	if p := principalOf(c); p != nil {
		if err := a.auth.Logout(c.Request.Context(), p, false); err != nil {
			a.errorPage(c, err)
			return
		}
	}
	a.clearSessionCookie(c)
	a.flash(c, "success", "You have been signed out.")
	c.Redirect(http.StatusSeeOther, "/admin/login")
}

func (a *Admin) firstUserPage(c *gin.Context) {
	ok, err := a.auth.Init(c.Request.Context())
	if err != nil {
		a.errorPage(c, err)
		return
	}
	if ok {
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return
	}
	a.renderFirstUser(c, http.StatusOK, newForm())
}

func (a *Admin) renderFirstUser(c *gin.Context, status int, f *form) {
	a.render(c, status, "create-first-user", page{Title: "Create first user", Bare: true,
		Data: map[string]any{"Form": f, "MinLength": a.auth.Policy().MinLength()}})
}

func (a *Admin) firstUser(c *gin.Context) {
	if !a.checkForm(c, "/admin/create-first-user") {
		return
	}
	f := newForm()
	f.Values["email"], f.Values["name"] = strings.TrimSpace(c.PostForm("email")), strings.TrimSpace(c.PostForm("name"))
	password := c.PostForm("password")
	if password != c.PostForm("confirm") {
		f.Errors["confirm"] = "The passwords do not match."
	}
	if !f.ok() {
		a.renderFirstUser(c, http.StatusBadRequest, f)
		return
	}
	res, err := a.auth.FirstRegister(c.Request.Context(), auth.Registration{Email: f.Values["email"], Password: password, Name: f.Values["name"]})
	if errors.Is(err, auth.ErrAlreadyInitialized) {
		a.flash(c, "info", "The first user already exists. Please sign in.")
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return
	}
	if err != nil {
		if !formErrors(f, err) {
			a.errorPage(c, err)
			return
		}
		a.renderFirstUser(c, http.StatusBadRequest, f)
		return
	}
	a.setSessionCookie(c, res.Token, res.ExpiresAt)
	a.flash(c, "success", "Welcome! Your admin account is ready.")
	c.Redirect(http.StatusSeeOther, "/admin")
}

func (a *Admin) forgotPage(c *gin.Context) {
	a.render(c, http.StatusOK, "forgot", page{Title: "Forgot password", Bare: true, Data: map[string]any{"Form": newForm()}})
}

func (a *Admin) forgot(c *gin.Context) {
	if !a.checkForm(c, "/admin/forgot") {
		return
	}
	f := newForm()
	f.Values["email"] = strings.TrimSpace(c.PostForm("email"))
	if f.Values["email"] == "" {
		f.Errors["email"] = "This field is required."
	}
	if f.ok() && a.limitedLogin(c, f) {
		err := a.auth.ForgotPassword(c.Request.Context(), f.Values["email"])
		if err == nil {
			a.render(c, http.StatusOK, "forgot", page{Title: "Forgot password", Bare: true, Data: map[string]any{"Form": f, "Sent": true}})
			return
		}
		if !formErrors(f, err) {
			a.errorPage(c, err)
			return
		}
	}
	a.render(c, http.StatusBadRequest, "forgot", page{Title: "Forgot password", Bare: true, Data: map[string]any{"Form": f}})
}

func (a *Admin) resetPage(c *gin.Context) {
	a.render(c, http.StatusOK, "reset", page{Title: "Reset password", Bare: true, Data: map[string]any{"Form": newForm(), "Token": c.Param("token")}})
}

func (a *Admin) reset(c *gin.Context) {
	token := c.Param("token")
	if !a.checkForm(c, "/admin/reset/"+token) {
		return
	}
	f := newForm()
	password := c.PostForm("password")
	if password != c.PostForm("confirm") {
		f.Errors["confirm"] = "The passwords do not match."
	}
	if len(password) > 256 {
		f.Errors["password"] = "This value must be shorter than the max length of 256 characters."
	}
	if f.ok() {
		res, err := a.auth.ResetPassword(c.Request.Context(), token, password, c.PostForm("revokeApiKeys") == "true")
		if err == nil {
			a.setSessionCookie(c, res.Token, res.ExpiresAt)
			a.flash(c, "success", "Your password was changed and you are signed in.")
			c.Redirect(http.StatusSeeOther, "/admin")
			return
		}
		if !formErrors(f, err) {
			a.errorPage(c, err)
			return
		}
	}
	a.render(c, http.StatusBadRequest, "reset", page{Title: "Reset password", Bare: true, Data: map[string]any{"Form": f, "Token": token}})
}
