package admin

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
	"github.com/gin-gonic/gin"
)

// userView is what the user and account templates show.
type userView struct {
	ID       int64
	Email    string
	Name     string
	Roles    []string
	Created  string
	Sessions []auth.Session
	Keys     []auth.APIKey
	NewKey   string // shown once, right after creation
	Form     *form
	PwForm   *form
	KeyForm  *form
	Self     bool
	Action   string
}

func (a *Admin) loadUser(c *gin.Context, p *auth.Principal, id int64, v *userView) error {
	ctx := c.Request.Context()
	doc, err := a.content.FindByID(ctx, actorOf(p), a.authSlug(), id, content.ReadOptions{Depth: 0})
	if err != nil {
		return err
	}
	v.ID = id
	v.Email, _ = doc["email"].(string)
	v.Name, _ = doc["name"].(string)
	v.Created = fmtDate(doc["createdAt"])
	switch rs := doc["roles"].(type) {
	case []any:
		for _, r := range rs {
			v.Roles = append(v.Roles, fmt.Sprint(r))
		}
	case []string:
		v.Roles = rs
	}
	if v.Sessions, err = a.auth.Sessions(ctx, id); err != nil {
		return err
	}
	keys, err := a.auth.ListAPIKeys(ctx, p, id)
	if err != nil && !errors.Is(err, auth.ErrForbidden) {
		return err
	}
	v.Keys = keys
	v.Self = p.User.ID == id
	if v.Form == nil {
		v.Form = newForm()
		v.Form.Values["email"], v.Form.Values["name"] = v.Email, v.Name
	}
	if v.PwForm == nil {
		v.PwForm = newForm()
	}
	if v.KeyForm == nil {
		v.KeyForm = newForm()
	}
	return nil
}

// userDoc shows (GET) and changes (POST) a user; admins only (checked by
// the collections dispatcher).
func (a *Admin) userDoc(c *gin.Context, p *auth.Principal, id int64) {
	self := fmt.Sprintf("/admin/collections/"+a.authSlug()+"/%d", id)
	v := &userView{}
	status := http.StatusOK
	_, err := a.content.FindByID(c.Request.Context(), actorOf(p), a.authSlug(), id, content.ReadOptions{Depth: 0})
	if err != nil {
		a.errorPage(c, err)
		return
	}
	if c.Request.Method == http.MethodPost {
		if !a.checkForm(c, self) {
			return
		}
		done, st := a.userPost(c, p, id, v, self)
		if done {
			return
		}
		status = st
	}
	err = a.loadUser(c, p, id, v)
	if err != nil {
		a.errorPage(c, err)
		return
	}
	a.render(c, status, "user", page{Title: v.Email, Nav: a.authSlug(), Data: v})
}

// userPost performs one action of the user page. done means a response
// (redirect) was written; otherwise the page is shown with status.
func (a *Admin) userPost(c *gin.Context, p *auth.Principal, id int64, v *userView, self string) (bool, int) {
	ctx := c.Request.Context()
	action := c.PostForm("_action")
	v.Action = action
	switch action {
	case "update":
		f := newForm()
		email, name := strings.TrimSpace(c.PostForm("email")), strings.TrimSpace(c.PostForm("name"))
		f.Values["email"], f.Values["name"] = email, name
		roles := c.PostFormArray("roles")
		up := auth.UserUpdate{Email: &email, Name: &name, Roles: &roles}
		if pw := c.PostForm("password"); pw != "" {
			up.Password = &pw
		}
		if _, err := a.auth.UpdateUser(ctx, p, id, up); err != nil {
			if !formErrors(f, err) {
				a.errorPage(c, err)
				return true, 0
			}
			v.Form = f
			return false, http.StatusBadRequest
		}
		a.flash(c, "success", "User updated.")
	case "unlock":
		doc, err := a.content.FindByID(ctx, actorOf(p), a.authSlug(), id, content.ReadOptions{Depth: 0})
		if err == nil {
			email, _ := doc["email"].(string)
			err = a.auth.Unlock(ctx, p, email)
		}
		if err != nil {
			return a.failed(c, err, self), 0
		}
		a.flash(c, "success", "User unlocked; they can sign in again.")
	case "revoke-sessions":
		// Logout of a principal for the target user ends all their
		// sessions; the dispatcher already checked the caller is an admin.
		if err := a.auth.Logout(ctx, &auth.Principal{User: auth.User{ID: id}}, true); err != nil {
			a.errorPage(c, err)
			return true, 0
		}
		if id == p.User.ID {
			a.clearSessionCookie(c)
			a.flash(c, "success", "All your sessions were ended.")
			c.Redirect(http.StatusSeeOther, "/admin/login")
			return true, 0
		}
		a.flash(c, "success", "All sessions of this user were ended.")
	case "create-key":
		key, ok := a.createKey(c, p, id, v)
		if !ok {
			return key != "", http.StatusBadRequest
		}
		v.NewKey = key
		return false, http.StatusOK
	case "revoke-key":
		kid, _ := strconv.ParseInt(c.PostForm("key"), 10, 64)
		if err := a.auth.RevokeAPIKey(ctx, p, id, kid); err != nil {
			return a.failed(c, err, self), 0
		}
		a.flash(c, "success", "API key revoked.")
	default:
		a.flash(c, "error", "Unknown action.")
	}
	c.Redirect(http.StatusSeeOther, self)
	return true, 0
}

// createKey makes an API key; ok false with key "" means the page must be
// re-rendered with the form error, ok false with key "x" that a response
// was written.
func (a *Admin) createKey(c *gin.Context, p *auth.Principal, id int64, v *userView) (string, bool) {
	f := newForm()
	name := strings.TrimSpace(c.PostForm("keyname"))
	f.Values["keyname"] = name
	if name == "" {
		f.Errors["keyname"] = "Give the key a name, e.g. the site that uses it."
	} else if len(name) > 100 {
		f.Errors["keyname"] = "This value must be shorter than the max length of 100 characters."
	}
	if !f.ok() {
		v.KeyForm = f
		return "", false
	}
	key, _, err := a.auth.CreateAPIKey(c.Request.Context(), p, id, name)
	if err != nil {
		if fes := fault.FieldsOf(err); len(fes) > 0 {
			f.Errors["keyname"] = fes[0].Message
			v.KeyForm = f
			return "", false
		}
		if errors.Is(err, auth.ErrForbidden) {
			f.Error = "API keys can only be created from a signed-in browser session."
			v.KeyForm = f
			return "", false
		}
		a.errorPage(c, err)
		return "x", false
	}
	return key, true
}

// createUser shows and handles the new-user form (admins only). It has no
// checks of its own: the users definition and the password policy judge
// the input, as for the REST API and the CLI, and their field errors show
// next to the fields.
func (a *Admin) createUser(c *gin.Context, p *auth.Principal) {
	f := newForm()
	f.Values["role"] = content.RoleEditor
	status := http.StatusOK
	if c.Request.Method == http.MethodPost {
		if !a.checkForm(c, "/admin/collections/"+a.authSlug()+"/create") {
			return
		}
		if a.postUser(c, p, f) {
			return
		}
		status = http.StatusBadRequest
	}
	a.render(c, status, "user-create", page{Title: "New user", Nav: a.authSlug(), Data: map[string]any{"Form": f, "MinLength": a.auth.Policy().MinLength()}})
}

// postUser creates the user the form describes and answers with the new
// user's page; false leaves f's errors to show the form with again.
func (a *Admin) postUser(c *gin.Context, p *auth.Principal, f *form) bool {
	email, name := strings.TrimSpace(c.PostForm("email")), strings.TrimSpace(c.PostForm("name"))
	role := c.PostForm("role")
	f.Values["email"], f.Values["name"], f.Values["role"] = email, name, role
	pw := c.PostForm("password")
	invite := c.PostForm("invite") == "on"
	f.Values["invite"] = c.PostForm("invite")
	if invite && pw == "" {
		// The user picks their own password through the reset link the
		// invitation sends; this random one is never shown to anyone.
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		pw = base64.RawURLEncoding.EncodeToString(b)
	}
	res, err := a.auth.CreateUser(c.Request.Context(), p, auth.Registration{Email: email, Name: name, Password: pw, Roles: []string{role}})
	if err != nil {
		if !formErrors(f, err) {
			a.errorPage(c, err)
			return true
		}
		return false
	}
	u := auth.UserOf(res.Doc)
	if !invite {
		a.flash(c, "success", "User "+u.Email+" created. Share the password with them securely.")
	} else if err := a.auth.ForgotPassword(c.Request.Context(), u.Email); err != nil {
		a.log.Error("invite: sending the set-password link failed", "user_id", u.ID, "err", err)
		a.flash(c, "error", "User "+u.Email+" created, but the invitation could not be sent. Use “Forgot password” to send it again.")
	} else {
		a.flash(c, "success", "User "+u.Email+" created and invited: they got a link to choose their password.")
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/collections/"+a.authSlug()+"/%d", u.ID))
	return true
}

// userAction answers POSTs to sub-paths of a user, which the user page does
// not use; they go back to the page.
func (a *Admin) userAction(c *gin.Context, _ *auth.Principal, id int64, _ []string) {
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/admin/collections/"+a.authSlug()+"/%d", id))
}

// accountPage shows the signed-in user's own account.
func (a *Admin) accountPage(c *gin.Context) {
	p := a.requireUser(c)
	if p == nil {
		return
	}
	a.showAccount(c, p, &userView{}, http.StatusOK)
}

func (a *Admin) showAccount(c *gin.Context, p *auth.Principal, v *userView, status int) {
	if err := a.loadUser(c, p, p.User.ID, v); err != nil {
		a.errorPage(c, err)
		return
	}
	a.render(c, status, "account", page{Title: "Account", Nav: "account", Data: v})
}

// accountAction handles the account page's forms.
func (a *Admin) accountAction(c *gin.Context) {
	p := a.requireUser(c)
	if p == nil {
		return
	}
	if !a.checkForm(c, "/admin/account") {
		return
	}
	ctx := c.Request.Context()
	v := &userView{Action: c.PostForm("_action")}
	switch v.Action {
	case "profile":
		f, err := a.updateProfile(c, p)
		if v.Form = f; err != nil || !f.ok() {
			a.accountAgain(c, p, v, err)
			return
		}
		a.flash(c, "success", "Profile saved.")
	case "password":
		f, err := a.changePassword(c, p)
		if v.PwForm = f; err != nil || !f.ok() {
			a.accountAgain(c, p, v, err)
			return
		}
		a.flash(c, "success", "Password changed. Your other sessions were signed out.")
	case "create-key":
		key, ok := a.createKey(c, p, p.User.ID, v)
		if !ok {
			if key == "" {
				a.showAccount(c, p, v, http.StatusBadRequest)
			}
			return
		}
		v.NewKey = key
		a.showAccount(c, p, v, http.StatusOK)
		return
	case "revoke-key":
		kid, _ := strconv.ParseInt(c.PostForm("key"), 10, 64)
		if err := a.auth.RevokeAPIKey(ctx, p, p.User.ID, kid); err != nil {
			a.failed(c, err, "/admin/account")
			return
		}
		a.flash(c, "success", "API key revoked.")
	case "theme":
		a.setTheme(c, p)
	case "logout-all":
		if err := a.auth.Logout(ctx, p, true); err != nil {
			a.errorPage(c, err)
			return
		}
		a.clearSessionCookie(c)
		a.flash(c, "success", "You were signed out everywhere.")
		c.Redirect(http.StatusSeeOther, "/admin/login")
		return
	default:
		a.flash(c, "error", "Unknown action.")
	}
	c.Redirect(http.StatusSeeOther, "/admin/account")
}

// accountAgain answers a refused account form: the page again with the
// form's errors, or the error page for an error the user cannot fix.
func (a *Admin) accountAgain(c *gin.Context, p *auth.Principal, v *userView, err error) {
	if err != nil {
		a.errorPage(c, err)
		return
	}
	a.showAccount(c, p, v, http.StatusBadRequest)
}

// updateProfile changes the signed-in user's email and name. The form
// carries what the user can fix; err is an error they cannot.
func (a *Admin) updateProfile(c *gin.Context, p *auth.Principal) (*form, error) {
	f := newForm()
	email, name := strings.TrimSpace(c.PostForm("email")), strings.TrimSpace(c.PostForm("name"))
	f.Values["email"], f.Values["name"] = email, name
	up := auth.UserUpdate{Email: &email, Name: &name, CurrentPassword: formValue(c, "currentPassword")}
	if _, err := a.auth.UpdateUser(c.Request.Context(), p, p.User.ID, up); err != nil && !formErrors(f, err) {
		return f, err
	}
	return f, nil
}

// changePassword changes the signed-in user's password after checking the
// current one. The form carries what the user can fix; err is an error
// they cannot.
func (a *Admin) changePassword(c *gin.Context, p *auth.Principal) (*form, error) {
	f := newForm()
	cur, next := c.PostForm("current"), c.PostForm("new")
	if cur == "" {
		f.Errors["current"] = "This field is required."
	}
	if next != c.PostForm("confirm") {
		f.Errors["confirm"] = "The passwords do not match."
	}
	if !f.ok() {
		return f, nil
	}
	err := a.auth.ChangePassword(c.Request.Context(), p, cur, next, c.PostForm("revokeApiKeys") == "true")
	switch {
	case err == nil:
	case errors.Is(err, auth.ErrInvalidCredentials):
		f.Errors["current"] = "The current password is incorrect."
	case errors.Is(err, auth.ErrLocked):
		f.Error = fault.Message(err)
	default:
		if fes := fault.FieldsOf(err); len(fes) > 0 {
			f.Errors["new"] = fes[0].Message
		} else if !formErrors(f, err) {
			return f, err
		}
	}
	return f, nil
}

// authSlug names the auth collection.
func (a *Admin) authSlug() string {
	if c, ok := a.content.Registry().AuthCollection(); ok {
		return c.Slug
	}
	return ""
}

// formValue returns a form field, nil when it is empty.
func formValue(c *gin.Context, name string) *string {
	if v := c.PostForm(name); v != "" {
		return &v
	}
	return nil
}
