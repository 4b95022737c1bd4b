package httpapi

import (
	"context"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/fault"
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
	slug := a.authSlug()
	u := g.Group("/"+slug, func(c *gin.Context) { c.Set(collectionKey, slug) })
	u.GET("/init", a.handle(a.usersInit))
	u.POST("/first-register", a.handle(a.firstRegister))
	u.POST("/login", a.handle(a.login))
	u.POST("/logout", a.handle(a.logout))
	u.GET("/me", a.handle(a.me))
	u.POST("/refresh-token", a.handle(a.refreshToken))
	u.POST("/forgot-password", a.handle(a.forgotPassword))
	u.POST("/reset-password", a.handle(a.resetPassword))
	u.POST("/unlock", a.handle(a.unlock))
	u.POST("", a.handle(a.createUser))
	u.PATCH("/:id", a.handle(a.updateUser))
	u.DELETE("/:id", a.handle(a.deleteUser))
	u.GET("/:id/api-keys", a.handle(a.listAPIKeys))
	u.POST("/:id/api-keys", a.handle(a.createAPIKey))
	u.DELETE("/:id/api-keys/:key", a.handle(a.revokeAPIKey))
}

// selfDoc is the user's document as content shapes it for every
// collection, read as the user themselves (the auth endpoints answer for
// the caller), with the sessions the auth endpoints list and the strategy
// the caller signed in with. No secret is in it: content never reads the
// credential columns.
func (a *API) selfDoc(ctx context.Context, u auth.User, sessions []auth.Session, strategy string) (map[string]any, error) {
	self := &content.Actor{ID: u.ID, Email: u.Email, Roles: u.Roles}
	doc, err := a.content.FindByID(ctx, self, a.authSlug(), u.ID, content.ReadOptions{})
	if err != nil {
		return nil, err
	}
	ss := make([]map[string]any, 0, len(sessions))
	for _, s := range sessions {
		ss = append(ss, map[string]any{"id": s.ID, "createdAt": content.FormatTime(s.CreatedAt), "expiresAt": content.FormatTime(s.ExpiresAt)})
	}
	doc["sessions"] = ss
	doc["_strategy"] = strategy
	return doc, nil
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

// limit applies the per-IP rate limit: errRateLimited, with Retry-After
// set, when the client is over it.
func (a *API) limit(c *gin.Context) error {
	if a.accounts.Limiter == nil {
		return nil
	}
	ok, retry := a.accounts.Limiter.Allow(c.ClientIP())
	if ok {
		return nil
	}
	c.Header("Retry-After", strconv.Itoa(int(math.Ceil(retry.Seconds()))))
	return errRateLimited
}

// str reads a string field of a JSON body ("" when absent or not a string).
func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

// required is the field error of missing inputs.
func required(in map[string]any, paths ...string) error {
	var fields []fault.FieldError
	for _, p := range paths {
		if strings.TrimSpace(str(in, p)) == "" {
			fields = append(fields, fault.FieldError{Path: p, Message: "This field is required."})
		}
	}
	return fault.Fields(fields...)
}

// checkLengths bounds the inputs that are hashed or looked up before any
// such work; the profile fields' own rules live in the users definition.
func checkLengths(m map[string]any) error {
	var fields []fault.FieldError
	for _, k := range []string{"email", "password", "currentPassword"} {
		max := inputLimits[k]
		if s := str(m, k); len(s) > max {
			fields = append(fields, fault.FieldError{Path: k, Message: "This value must be shorter than the max length of " + strconv.Itoa(max) + " characters."})
		}
	}
	return fault.Fields(fields...)
}

// inputLimits are the byte limits of auth inputs checked before hashing.
var inputLimits = map[string]int{"email": auth.MaxEmailLength, "password": auth.PasswordMaxBytes, "currentPassword": auth.PasswordMaxBytes}

// authBody reads a JSON body and bounds its auth inputs.
func (a *API) authBody(c *gin.Context) (map[string]any, error) {
	in, err := a.readBody(c)
	if err != nil {
		return nil, err
	}
	return in, checkLengths(in)
}

func (a *API) usersInit(c *gin.Context) error {
	ok, err := a.accounts.Auth.Init(c.Request.Context())
	if err != nil {
		return err
	}
	a.json(c, http.StatusOK, map[string]bool{"initialized": ok})
	return nil
}

func (a *API) authResponse(c *gin.Context, status int, res *auth.AuthResult, extra map[string]any) error {
	user, err := a.selfDoc(c.Request.Context(), res.User, res.Sessions, auth.StrategyLocalJWT)
	if err != nil {
		return err
	}
	body := map[string]any{"exp": res.ExpiresAt.Unix(), "token": res.Token, "user": user}
	for k, v := range extra {
		body[k] = v
	}
	a.setCookie(c, res.Token, res.ExpiresAt)
	a.json(c, status, body)
	return nil
}

func (a *API) firstRegister(c *gin.Context) error {
	in, err := a.authBody(c)
	if err != nil {
		return err
	}
	res, err := a.accounts.Auth.FirstRegister(c.Request.Context(), auth.Registration{Email: str(in, "email"), Password: str(in, "password"), Name: str(in, "name")})
	if err != nil {
		return err
	}
	return a.authResponse(c, http.StatusOK, res, map[string]any{"message": "Successfully registered first user."})
}

// limitedBody serves the rate-limited endpoints: the limit, then the JSON
// body, whose paths must be given and whose inputs are bounded.
func (a *API) limitedBody(c *gin.Context, paths ...string) (map[string]any, error) {
	if err := a.limit(c); err != nil {
		return nil, err
	}
	in, err := a.readBody(c)
	if err != nil {
		return nil, err
	}
	if err := required(in, paths...); err != nil {
		return nil, err
	}
	return in, checkLengths(in)
}

func (a *API) login(c *gin.Context) error {
	in, err := a.limitedBody(c, "email", "password")
	if err != nil {
		return err
	}
	res, err := a.accounts.Auth.Login(c.Request.Context(), str(in, "email"), str(in, "password"))
	if err != nil {
		return err
	}
	return a.authResponse(c, http.StatusOK, res, map[string]any{"message": "Authentication Passed"})
}

func (a *API) logout(c *gin.Context) error {
	all := c.Query("allSessions") == "true"
	if err := a.accounts.Auth.Logout(c.Request.Context(), principal(caller(c)), all); err != nil {
		return err
	}
	a.clearCookie(c)
	a.json(c, http.StatusOK, map[string]string{"message": "Logout successful."})
	return nil
}

func (a *API) me(c *gin.Context) error {
	cl := caller(c)
	if cl.Actor == nil {
		a.json(c, http.StatusOK, map[string]any{"user": nil, "message": "Account"})
		return nil
	}
	sessions, err := a.accounts.Auth.Sessions(c.Request.Context(), cl.Principal.User.ID)
	if err != nil {
		return err
	}
	user, err := a.selfDoc(c.Request.Context(), cl.Principal.User, sessions, cl.Strategy)
	if err != nil {
		return err
	}
	body := map[string]any{"user": user, "collection": a.authSlug(), "strategy": cl.Strategy, "message": "Account"}
	if cl.Token != "" {
		body["token"], body["exp"] = cl.Token, cl.Exp
	}
	a.json(c, http.StatusOK, body)
	return nil
}

func (a *API) refreshToken(c *gin.Context) error {
	cl := caller(c)
	if cl.Actor == nil {
		return content.ErrForbidden
	}
	res, err := a.accounts.Auth.RefreshToken(c.Request.Context(), principal(cl))
	if err != nil {
		return err
	}
	user, err := a.selfDoc(c.Request.Context(), res.User, res.Sessions, auth.StrategyLocalJWT)
	if err != nil {
		return err
	}
	a.setCookie(c, res.Token, res.ExpiresAt)
	a.json(c, http.StatusOK, map[string]any{
		"message": "Token refresh successful.", "exp": res.ExpiresAt.Unix(), "refreshedToken": res.Token,
		"setCookie": true, "strategy": auth.StrategyLocalJWT, "user": user,
	})
	return nil
}

func (a *API) forgotPassword(c *gin.Context) error {
	in, err := a.limitedBody(c, "email")
	if err != nil {
		return err
	}
	if err := a.accounts.Auth.ForgotPassword(c.Request.Context(), str(in, "email")); err != nil {
		return err
	}
	a.json(c, http.StatusOK, map[string]string{"message": "Success"})
	return nil
}

func (a *API) resetPassword(c *gin.Context) error {
	in, err := a.authBody(c)
	if err != nil {
		return err
	}
	res, err := a.accounts.Auth.ResetPassword(c.Request.Context(), str(in, "token"), str(in, "password"), in["revokeApiKeys"] == true)
	if err != nil {
		return err
	}
	return a.authResponse(c, http.StatusOK, res, map[string]any{"message": "Password reset successfully."})
}

func (a *API) unlock(c *gin.Context) error {
	in, err := a.readBody(c)
	if err != nil {
		return err
	}
	if err := a.accounts.Auth.Unlock(c.Request.Context(), principal(caller(c)), str(in, "email")); err != nil {
		return err
	}
	a.json(c, http.StatusOK, map[string]string{"message": "Success"})
	return nil
}

// errRoles is the field error of a roles value that is not a list of
// strings.
var errRoles = fault.Fields(fault.FieldError{Path: "roles", Label: "Roles", Message: "This field has an invalid selection."})

func rolesOf(m map[string]any) (*[]string, error) {
	raw, ok := m["roles"]
	if !ok {
		return nil, nil
	}
	list, isList := raw.([]any)
	if !isList {
		if s, isStr := raw.(string); isStr {
			list = []any{s}
		} else {
			return nil, errRoles
		}
	}
	out := make([]string, 0, len(list))
	for _, it := range list {
		s, ok := it.(string)
		if !ok {
			return nil, errRoles
		}
		out = append(out, s)
	}
	return &out, nil
}

// signedIn reads the caller, who must be signed in.
func signedIn(c *gin.Context) (Caller, error) {
	cl := caller(c)
	if cl.Actor == nil {
		return cl, content.ErrForbidden
	}
	return cl, nil
}

// userWrite answers a signed-in caller's write of a user from a JSON body
// (read by body) with the document written.
func (a *API) userWrite(c *gin.Context, status int, body func(*gin.Context) (map[string]any, error),
	write func(ctx context.Context, p *auth.Principal, in map[string]any) (content.WriteResult, error)) error {
	cl, err := signedIn(c)
	if err != nil {
		return err
	}
	in, err := body(c)
	if err != nil {
		return err
	}
	res, err := write(c.Request.Context(), principal(cl), in)
	if err != nil {
		return err
	}
	a.json(c, status, docEnvelope{Doc: res.Doc, Message: res.Message})
	return nil
}

// createUser has no length checks of its own (authBody): the users
// definition bounds the profile and the password policy the password
// before it is hashed, and their errors come together, as for the admin
// and the CLI.
func (a *API) createUser(c *gin.Context) error {
	return a.userWrite(c, http.StatusCreated, a.readBody, func(ctx context.Context, p *auth.Principal, in map[string]any) (content.WriteResult, error) {
		roles, err := rolesOf(in)
		if err != nil {
			return content.WriteResult{}, err
		}
		reg := auth.Registration{Email: str(in, "email"), Password: str(in, "password"), Name: str(in, "name")}
		if roles != nil {
			reg.Roles = *roles
		}
		return a.accounts.Auth.CreateUser(ctx, p, reg)
	})
}

// userUpdate reads the fields of a user update from a JSON body.
func userUpdate(in map[string]any) (auth.UserUpdate, error) {
	var up auth.UserUpdate
	for k, dst := range map[string]**string{"email": &up.Email, "name": &up.Name, "password": &up.Password, "currentPassword": &up.CurrentPassword} {
		if v, present := in[k]; present {
			s, isStr := v.(string)
			if !isStr && v != nil {
				return up, fault.Field(k, "This field must be a string.")
			}
			*dst = &s
		}
	}
	roles, err := rolesOf(in)
	up.Roles = roles
	up.RevokeAPIKeys = in["revokeApiKeys"] == true
	return up, err
}

// updateUser is PATCH /api/users/:id. Like createUser it has no length
// pre-check of its own: the users definition bounds the profile and the
// password policy the new password before it is hashed, and their errors
// come together, as the admin's user and account forms answer them.
func (a *API) updateUser(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	return a.userWrite(c, http.StatusOK, a.readBody, func(ctx context.Context, p *auth.Principal, in map[string]any) (content.WriteResult, error) {
		up, err := userUpdate(in)
		if err != nil {
			return content.WriteResult{}, &content.ValidationError{Collection: a.authSlug(), ID: id, Errors: fault.FieldsOf(err)}
		}
		return a.accounts.Auth.UpdateUser(ctx, p, id, up)
	})
}

func (a *API) deleteUser(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	cl, err := signedIn(c)
	if err != nil {
		return err
	}
	res, err := a.accounts.Auth.DeleteUser(c.Request.Context(), principal(cl), id)
	if err != nil {
		return err
	}
	a.json(c, http.StatusOK, docEnvelope{Doc: res.Doc, Message: res.Message})
	return nil
}

func apiKeyDoc(k auth.APIKey) map[string]any {
	return map[string]any{"id": k.ID, "user": k.UserID, "name": k.Name, "prefix": k.Prefix, "createdAt": content.FormatTime(k.CreatedAt)}
}

func (a *API) listAPIKeys(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	keys, err := a.accounts.Auth.ListAPIKeys(c.Request.Context(), principal(caller(c)), id)
	if err != nil {
		return err
	}
	docs := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		docs = append(docs, apiKeyDoc(k))
	}
	a.json(c, http.StatusOK, map[string]any{"docs": docs})
	return nil
}

func (a *API) createAPIKey(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in, err := a.readBody(c)
	if err != nil {
		return err
	}
	name := str(in, "name")
	if len(name) > 100 {
		return fault.Field("name", "This value must be shorter than the max length of 100 characters.")
	}
	key, meta, err := a.accounts.Auth.CreateAPIKey(c.Request.Context(), principal(caller(c)), id, name)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	a.json(c, http.StatusCreated, map[string]any{"key": key, "doc": apiKeyDoc(meta), "message": "API key created. It is shown only once."})
	return nil
}

func (a *API) revokeAPIKey(c *gin.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	keyID, err := strconv.ParseInt(c.Param("key"), 10, 64)
	if err != nil {
		return content.ErrNotFound
	}
	if err := a.accounts.Auth.RevokeAPIKey(c.Request.Context(), principal(caller(c)), id, keyID); err != nil {
		return err
	}
	a.json(c, http.StatusOK, map[string]string{"message": "Deleted successfully."})
	return nil
}
