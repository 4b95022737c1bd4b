package httpapi

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

// Accounts bundles what the /api/users endpoints need.
type Accounts struct {
	Auth *auth.Service
	// Limiter bounds login and forgot-password attempts per client IP.
	Limiter      *auth.RateLimiter
	SecureCookie bool // set Secure on the cookie (public URL is https)
}

// Identifier adapts the auth service to Authenticator.
type Identifier struct{ Auth *auth.Service }

// Identify implements Authenticator.
func (i Identifier) Identify(ctx context.Context, r *http.Request) (Caller, error) {
	creds := auth.Credentials{Authorization: r.Header.Get("Authorization")}
	if ck, err := r.Cookie(auth.CookieName); err == nil {
		creds.Cookie = ck.Value
	}
	if creds.Authorization == "" && creds.Cookie == "" {
		return Caller{}, nil
	}
	p, err := i.Auth.Authenticate(ctx, creds)
	if err != nil {
		return Caller{}, err
	}
	if p == nil {
		return Caller{}, nil
	}
	return CallerOf(p), nil
}

// CallerOf turns an auth principal into a Caller.
func CallerOf(p *auth.Principal) Caller {
	c := Caller{
		Actor:     &content.Actor{ID: p.User.ID, Email: p.User.Email, Roles: p.User.Roles},
		ViaCookie: p.FromCookie, Strategy: p.Strategy, Token: p.Token, SessionID: p.SessionID, Principal: p,
	}
	if !p.ExpiresAt.IsZero() {
		c.Exp = p.ExpiresAt.Unix()
	}
	return c
}

// principal returns the auth principal of the caller for service calls.
func principal(cl Caller) *auth.Principal { return cl.Principal }

// authSlug names the auth collection (its routes and error envelopes).
func (a *API) authSlug() string {
	if c, ok := a.content.Registry().AuthCollection(); ok {
		return c.Slug
	}
	return ""
}

func (a *API) registerAccounts(g *gin.RouterGroup) {
	u := g.Group("/" + a.authSlug())
	u.GET("/init", a.usersInit)
	u.POST("/first-register", a.firstRegister)
	u.POST("/login", a.login)
	u.POST("/logout", a.logout)
	u.GET("/me", a.me)
	u.POST("/refresh-token", a.refreshToken)
	u.POST("/forgot-password", a.forgotPassword)
	u.POST("/reset-password", a.resetPassword)
	u.POST("/unlock", a.unlock)
	u.POST("", a.createUser)
	u.PATCH("/:id", a.updateUser)
	u.DELETE("/:id", a.deleteUser)
	u.GET("/:id/api-keys", a.listAPIKeys)
	u.POST("/:id/api-keys", a.createAPIKey)
	u.DELETE("/:id/api-keys/:key", a.revokeAPIKey)
}

// authFail maps auth errors onto Payload's envelopes.
func (a *API) authFail(c *gin.Context, err error) {
	if fes := auth.FieldErrors(err); len(fes) > 0 {
		ve := &content.ValidationError{Collection: a.authSlug()}
		for _, fe := range fes {
			ve.Errors = append(ve.Errors, content.FieldError{Path: fe.Path, Message: fe.Message})
		}
		a.fail(c, ve)
		return
	}
	status := 0
	switch {
	case errors.Is(err, auth.ErrInvalidCredentials), errors.Is(err, auth.ErrLocked):
		status = http.StatusUnauthorized
	case errors.Is(err, auth.ErrForbidden), errors.Is(err, auth.ErrAlreadyInitialized), errors.Is(err, auth.ErrResetTokenInvalid):
		status = http.StatusForbidden
	case errors.Is(err, auth.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, auth.ErrNoUser):
		status = http.StatusBadRequest
	}
	if status != 0 {
		a.fail(c, Public(status, auth.PublicMessage(err)))
		return
	}
	a.fail(c, err)
}

func timeOrNull(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return content.FormatTime(t)
}

// userDoc renders a user as Payload does (never any secret).
func (a *API) userDoc(u auth.User, sessions []auth.Session) map[string]any {
	ss := make([]map[string]any, 0, len(sessions))
	for _, s := range sessions {
		ss = append(ss, map[string]any{"id": s.ID, "createdAt": content.FormatTime(s.CreatedAt), "expiresAt": content.FormatTime(s.ExpiresAt)})
	}
	var name any
	if u.Name != "" {
		name = u.Name
	}
	roles := u.Roles
	if roles == nil {
		roles = []string{}
	}
	return map[string]any{
		"id": u.ID, "email": u.Email, "name": name, "roles": roles,
		"createdAt": timeOrNull(u.CreatedAt), "updatedAt": timeOrNull(u.UpdatedAt),
		"sessions": ss, "collection": a.authSlug(),
	}
}

func (a *API) setCookie(c *gin.Context, token string, exp time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: auth.CookieName, Value: token, Path: "/", Expires: exp.UTC(),
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.accounts.SecureCookie,
	})
}

func (a *API) clearCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: auth.CookieName, Value: "", Path: "/", Expires: time.Unix(0, 0).UTC(), MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: a.accounts.SecureCookie,
	})
}

// limited applies the per-IP rate limit; false means 429 was answered.
func (a *API) limited(c *gin.Context) bool {
	if a.accounts.Limiter == nil {
		return true
	}
	ok, retry := a.accounts.Limiter.Allow(c.ClientIP())
	if ok {
		return true
	}
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
	a.fail(c, Public(http.StatusTooManyRequests, "Too many attempts. Please wait and try again."))
	return false
}

// str reads a string field of a JSON body ("" when absent or not a string).
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func (a *API) required(paths ...string) error {
	ve := &content.ValidationError{Collection: a.authSlug()}
	for _, p := range paths {
		ve.Errors = append(ve.Errors, content.FieldError{Path: p, Message: "This field is required."})
	}
	return ve
}

// checkLengths bounds auth inputs before any hashing work (documented limits).
func (a *API) checkLengths(m map[string]any) error {
	ve := &content.ValidationError{Collection: a.authSlug()}
	for k, max := range map[string]int{"email": 254, "password": 256, "currentPassword": 256, "name": 200} {
		if s := str(m, k); len(s) > max {
			ve.Errors = append(ve.Errors, content.FieldError{Path: k, Message: "This value must be shorter than the max length of " + strconv.Itoa(max) + " characters."})
		}
	}
	if len(ve.Errors) > 0 {
		return ve
	}
	return nil
}

func (a *API) usersInit(c *gin.Context) {
	ok, err := a.accounts.Auth.Init(c.Request.Context())
	if err != nil {
		a.fail(c, err)
		return
	}
	a.json(c, http.StatusOK, map[string]bool{"initialized": ok})
}

func (a *API) authResponse(c *gin.Context, status int, res *auth.AuthResult, extra map[string]any) {
	user := a.userDoc(res.User, res.Sessions)
	user["_strategy"] = auth.StrategyLocalJWT
	body := map[string]any{"exp": res.ExpiresAt.Unix(), "token": res.Token, "user": user}
	for k, v := range extra {
		body[k] = v
	}
	a.setCookie(c, res.Token, res.ExpiresAt)
	a.json(c, status, body)
}

func (a *API) firstRegister(c *gin.Context) {
	in, ok := a.body(c)
	if !ok {
		return
	}
	if err := a.checkLengths(in); err != nil {
		a.fail(c, err)
		return
	}
	res, err := a.accounts.Auth.FirstRegister(c.Request.Context(), auth.Registration{Email: str(in, "email"), Password: str(in, "password"), Name: str(in, "name")})
	if err != nil {
		a.authFail(c, err)
		return
	}
	a.authResponse(c, http.StatusOK, res, map[string]any{"message": "Successfully registered first user."})
}

func (a *API) login(c *gin.Context) {
	if !a.limited(c) {
		return
	}
	in, ok := a.body(c)
	if !ok {
		return
	}
	var missing []string
	for _, k := range []string{"email", "password"} {
		if strings.TrimSpace(str(in, k)) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		a.fail(c, a.required(missing...))
		return
	}
	if err := a.checkLengths(in); err != nil {
		a.fail(c, err)
		return
	}
	res, err := a.accounts.Auth.Login(c.Request.Context(), str(in, "email"), str(in, "password"))
	if err != nil {
		a.authFail(c, err)
		return
	}
	a.authResponse(c, http.StatusOK, res, map[string]any{"message": "Authentication Passed"})
}

func (a *API) logout(c *gin.Context) {
	cl := caller(c)
	all := c.Query("allSessions") == "true"
	if err := a.accounts.Auth.Logout(c.Request.Context(), principal(cl), all); err != nil {
		a.authFail(c, err)
		return
	}
	a.clearCookie(c)
	a.json(c, http.StatusOK, map[string]string{"message": "Logout successful."})
}

func (a *API) me(c *gin.Context) {
	cl := caller(c)
	if cl.Actor == nil {
		a.json(c, http.StatusOK, map[string]any{"user": nil, "message": "Account"})
		return
	}
	sessions, err := a.accounts.Auth.Sessions(c.Request.Context(), cl.Principal.User.ID)
	if err != nil {
		a.fail(c, err)
		return
	}
	user := a.userDoc(cl.Principal.User, sessions)
	user["_strategy"] = cl.Strategy
	body := map[string]any{"user": user, "collection": a.authSlug(), "strategy": cl.Strategy, "message": "Account"}
	if cl.Token != "" {
		body["token"], body["exp"] = cl.Token, cl.Exp
	}
	a.json(c, http.StatusOK, body)
}

func (a *API) refreshToken(c *gin.Context) {
	cl := caller(c)
	if cl.Actor == nil {
		a.fail(c, content.ErrForbidden)
		return
	}
	res, err := a.accounts.Auth.RefreshToken(c.Request.Context(), principal(cl))
	if err != nil {
		a.authFail(c, err)
		return
	}
	user := a.userDoc(res.User, res.Sessions)
	user["_strategy"] = auth.StrategyLocalJWT
	a.setCookie(c, res.Token, res.ExpiresAt)
	a.json(c, http.StatusOK, map[string]any{
		"message": "Token refresh successful.", "exp": res.ExpiresAt.Unix(), "refreshedToken": res.Token,
		"setCookie": true, "strategy": auth.StrategyLocalJWT, "user": user,
	})
}

func (a *API) forgotPassword(c *gin.Context) {
	if !a.limited(c) {
		return
	}
	in, ok := a.body(c)
	if !ok {
		return
	}
	if strings.TrimSpace(str(in, "email")) == "" {
		a.fail(c, a.required("email"))
		return
	}
	if err := a.checkLengths(in); err != nil {
		a.fail(c, err)
		return
	}
	if err := a.accounts.Auth.ForgotPassword(c.Request.Context(), str(in, "email")); err != nil {
		a.authFail(c, err)
		return
	}
	a.json(c, http.StatusOK, map[string]string{"message": "Success"})
}

func (a *API) resetPassword(c *gin.Context) {
	in, ok := a.body(c)
	if !ok {
		return
	}
	if err := a.checkLengths(in); err != nil {
		a.fail(c, err)
		return
	}
	res, err := a.accounts.Auth.ResetPassword(c.Request.Context(), str(in, "token"), str(in, "password"))
	if err != nil {
		a.authFail(c, err)
		return
	}
	a.authResponse(c, http.StatusOK, res, map[string]any{"message": "Password reset successfully."})
}

func (a *API) unlock(c *gin.Context) {
	in, ok := a.body(c)
	if !ok {
		return
	}
	if err := a.accounts.Auth.Unlock(c.Request.Context(), principal(caller(c)), str(in, "email")); err != nil {
		a.authFail(c, err)
		return
	}
	a.json(c, http.StatusOK, map[string]string{"message": "Success"})
}

func rolesOf(m map[string]any) (*[]string, bool) {
	raw, ok := m["roles"]
	if !ok {
		return nil, true
	}
	list, isList := raw.([]any)
	if !isList {
		if s, isStr := raw.(string); isStr {
			list = []any{s}
		} else {
			return nil, false
		}
	}
	out := make([]string, 0, len(list))
	for _, it := range list {
		s, ok := it.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return &out, true
}

func (a *API) createUser(c *gin.Context) {
	if caller(c).Actor == nil {
		a.fail(c, content.ErrForbidden)
		return
	}
	in, ok := a.body(c)
	if !ok {
		return
	}
	if err := a.checkLengths(in); err != nil {
		a.fail(c, err)
		return
	}
	roles, ok := rolesOf(in)
	if !ok {
		a.fail(c, &content.ValidationError{Collection: a.authSlug(), Errors: []content.FieldError{{Path: "roles", Label: "Roles", Message: "This field has an invalid selection."}}})
		return
	}
	reg := auth.Registration{Email: str(in, "email"), Password: str(in, "password"), Name: str(in, "name")}
	if roles != nil {
		reg.Roles = *roles
	}
	u, err := a.accounts.Auth.CreateUser(c.Request.Context(), principal(caller(c)), reg)
	if err != nil {
		a.authFail(c, err)
		return
	}
	a.json(c, http.StatusCreated, docEnvelope{Doc: a.userDoc(u, nil), Message: "User successfully created."})
}

func (a *API) updateUser(c *gin.Context) {
	id, ok := a.id(c)
	if !ok {
		return
	}
	if caller(c).Actor == nil {
		a.fail(c, content.ErrForbidden)
		return
	}
	in, ok := a.body(c)
	if !ok {
		return
	}
	if err := a.checkLengths(in); err != nil {
		a.fail(c, err)
		return
	}
	var up auth.UserUpdate
	for k, dst := range map[string]**string{"email": &up.Email, "name": &up.Name, "password": &up.Password, "currentPassword": &up.CurrentPassword} {
		if v, present := in[k]; present {
			s, isStr := v.(string)
			if !isStr && v != nil {
				a.fail(c, &content.ValidationError{Collection: a.authSlug(), ID: id, Errors: []content.FieldError{{Path: k, Message: "This field must be a string."}}})
				return
			}
			*dst = &s
		}
	}
	roles, ok := rolesOf(in)
	if !ok {
		a.fail(c, &content.ValidationError{Collection: a.authSlug(), ID: id, Errors: []content.FieldError{{Path: "roles", Label: "Roles", Message: "This field has an invalid selection."}}})
		return
	}
	up.Roles = roles
	up.RevokeAPIKeys = in["revokeApiKeys"] == true
	u, err := a.accounts.Auth.UpdateUser(c.Request.Context(), principal(caller(c)), id, up)
	if err != nil {
		a.authFail(c, err)
		return
	}
	a.json(c, http.StatusOK, docEnvelope{Doc: a.userDoc(u, nil), Message: "Updated successfully."})
}

func (a *API) deleteUser(c *gin.Context) {
	id, ok := a.id(c)
	if !ok {
		return
	}
	cl := caller(c)
	if cl.Actor == nil {
		a.fail(c, content.ErrForbidden)
		return
	}
	doc, err := a.content.FindByID(c.Request.Context(), cl.Actor, a.authSlug(), id, content.ReadOptions{})
	if err != nil {
		a.fail(c, err)
		return
	}
	if err := a.accounts.Auth.DeleteUser(c.Request.Context(), principal(cl), id); err != nil {
		a.authFail(c, err)
		return
	}
	a.json(c, http.StatusOK, docEnvelope{Doc: doc, Message: "Deleted successfully."})
}

func apiKeyDoc(k auth.APIKey) map[string]any {
	return map[string]any{"id": k.ID, "user": k.UserID, "name": k.Name, "prefix": k.Prefix, "createdAt": content.FormatTime(k.CreatedAt)}
}

func (a *API) listAPIKeys(c *gin.Context) {
	id, ok := a.id(c)
	if !ok {
		return
	}
	keys, err := a.accounts.Auth.ListAPIKeys(c.Request.Context(), principal(caller(c)), id)
	if err != nil {
		a.authFail(c, err)
		return
	}
	docs := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		docs = append(docs, apiKeyDoc(k))
	}
	a.json(c, http.StatusOK, map[string]any{"docs": docs})
}

func (a *API) createAPIKey(c *gin.Context) {
	id, ok := a.id(c)
	if !ok {
		return
	}
	in, ok := a.body(c)
	if !ok {
		return
	}
	name := str(in, "name")
	if len(name) > 100 {
		a.fail(c, &content.ValidationError{Collection: a.authSlug(), Errors: []content.FieldError{{Path: "name", Message: "This value must be shorter than the max length of 100 characters."}}})
		return
	}
	key, meta, err := a.accounts.Auth.CreateAPIKey(c.Request.Context(), principal(caller(c)), id, name)
	if err != nil {
		a.authFail(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	a.json(c, http.StatusCreated, map[string]any{"key": key, "doc": apiKeyDoc(meta), "message": "API key created. It is shown only once."})
}

func (a *API) revokeAPIKey(c *gin.Context) {
	id, ok := a.id(c)
	if !ok {
		return
	}
	keyID, err := strconv.ParseInt(c.Param("key"), 10, 64)
	if err != nil {
		a.fail(c, content.ErrNotFound)
		return
	}
	if err := a.accounts.Auth.RevokeAPIKey(c.Request.Context(), principal(caller(c)), id, keyID); err != nil {
		a.authFail(c, err)
		return
	}
	a.json(c, http.StatusOK, map[string]string{"message": "Deleted successfully."})
}
