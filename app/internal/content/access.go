package content

import (
	"slices"
	"strconv"

	"github.com/automatonic/chronos/app/internal/query"
)

// Actor is the caller of a service method: a signed-in user, or nil for an
// anonymous request.
type Actor struct {
	ID    int64
	Email string
	Roles []string
}

// IsAdmin reports whether the actor has the admin role.
func (a *Actor) IsAdmin() bool { return a != nil && slices.Contains(a.Roles, RoleAdmin) }

// SignedIn reports whether the actor is a signed-in user.
func (a *Actor) SignedIn() bool { return a != nil }

// Rule is the outcome of an access check: denied, allowed, or allowed only
// for the documents matching Where (ANDed with the caller's query).
type Rule struct {
	Allow bool
	Where *query.Where
}

var (
	allow = Rule{Allow: true}
	deny  = Rule{}
)

func allowIf(ok bool) Rule {
	if ok {
		return allow
	}
	return deny
}

// Access holds the access rules of a collection or global. Each is a pure
// function of the actor so it can be tested and reported by GET
// /api/access. A global uses Read, Update and ReadVersions.
type Access struct {
	Read         func(a *Actor) Rule
	Create       func(a *Actor) Rule
	Update       func(a *Actor) Rule
	Delete       func(a *Actor) Rule
	ReadVersions func(a *Actor) Rule
	Unlock       func(a *Actor) Rule
}

// rule evaluates an access function; a missing one denies.
func rule(fn func(*Actor) Rule, a *Actor) Rule {
	if fn == nil {
		return deny
	}
	return fn(a)
}

// Building blocks of access rules for definitions.

// Anyone allows every caller, signed in or not.
func Anyone(*Actor) Rule { return allow }

// Nobody denies every caller.
func Nobody(*Actor) Rule { return deny }

// SignedIn allows signed-in users.
func SignedIn(a *Actor) Rule { return allowIf(a.SignedIn()) }

// AdminOnly allows users with the admin role.
func AdminOnly(a *Actor) Rule { return allowIf(a.IsAdmin()) }

// PublishedOrSignedIn lets anonymous callers read published documents only
// (drafts-enabled collections) and signed-in users everything.
func PublishedOrSignedIn(a *Actor) Rule {
	if a.SignedIn() {
		return allow
	}
	return Rule{Allow: true, Where: &query.Where{Conds: []query.Cond{{Path: "_status", Op: query.Equals, Values: []string{StatusPublished}}}}}
}

// SelfOrAdmin lets admins reach every user document and other users only
// their own (for the auth collection).
func SelfOrAdmin(a *Actor) Rule {
	switch {
	case a.IsAdmin():
		return allow
	case a.SignedIn():
		return Rule{Allow: true, Where: &query.Where{Conds: []query.Cond{{Path: "id", Op: query.Equals, Values: []string{strconv.FormatInt(a.ID, 10)}}}}}
	default:
		return deny
	}
}

// permission renders a rule as Payload's access response does.
func permission(r Rule) any {
	if !r.Allow {
		return false
	}
	if r.Where == nil {
		return true
	}
	return map[string]any{"permission": true, "where": whereJSON(*r.Where)}
}

// whereJSON renders a where clause in Payload's object form.
func whereJSON(w query.Where) map[string]any {
	out := map[string]any{}
	for _, c := range w.Conds {
		var v any = c.Values
		if !c.Op.IsList() && len(c.Values) == 1 {
			v = c.Values[0]
		}
		out[c.Path] = map[string]any{string(c.Op): v}
	}
	if len(w.And) > 0 {
		var and []any
		for _, s := range w.And {
			and = append(and, whereJSON(s))
		}
		out["and"] = and
	}
	if len(w.Or) > 0 {
		var or []any
		for _, s := range w.Or {
			or = append(or, whereJSON(s))
		}
		out["or"] = or
	}
	return out
}

func fieldReads(fields []Field) map[string]any {
	out := map[string]any{}
	for _, f := range fields {
		if f.Type == Group || f.Type == Array {
			out[f.Name] = map[string]any{"read": true, "fields": fieldReads(f.Fields)}
			continue
		}
		out[f.Name] = map[string]any{"read": true}
	}
	out["createdAt"] = map[string]any{"read": true}
	out["updatedAt"] = map[string]any{"read": true}
	return out
}

// Permissions answers GET /api/access: what the actor may do per
// collection and global.
func (r *Registry) Permissions(a *Actor) map[string]any {
	cols := map[string]any{}
	for _, c := range r.order {
		read := rule(c.Access.Read, a)
		if !a.SignedIn() {
			if !read.Allow {
				continue
			}
			fields := fieldReads(c.Fields)
			if c.Drafts {
				fields["_status"] = map[string]any{"read": true}
			}
			cols[c.Slug] = map[string]any{"fields": fields, "read": permission(read)}
			continue
		}
		p := map[string]any{
			"fields": true,
			"create": permission(rule(c.Access.Create, a)),
			"read":   permission(read),
			"update": permission(rule(c.Access.Update, a)),
			"delete": permission(rule(c.Access.Delete, a)),
		}
		if c.Drafts {
			p["readVersions"] = permission(rule(c.Access.ReadVersions, a))
		}
		if c.Auth {
			p["unlock"] = permission(rule(c.Access.Unlock, a))
		}
		cols[c.Slug] = p
	}
	globals := map[string]any{}
	for _, g := range r.globals {
		read := rule(g.Access.Read, a)
		if !a.SignedIn() {
			if !read.Allow {
				continue
			}
			fields := fieldReads(g.Fields)
			if g.Drafts {
				fields["_status"] = map[string]any{"read": true}
			}
			globals[g.Slug] = map[string]any{"fields": fields, "read": permission(read)}
			continue
		}
		globals[g.Slug] = GlobalPermissions(g, a)
	}
	out := map[string]any{"collections": cols, "globals": globals}
	if a.SignedIn() {
		out["canAccessAdmin"] = true
	}
	return out
}

// GlobalPermissions answers POST /api/globals/{slug}/access.
func GlobalPermissions(g *Collection, a *Actor) map[string]any {
	p := map[string]any{
		"fields": true,
		"read":   permission(rule(g.Access.Read, a)),
		"update": permission(rule(g.Access.Update, a)),
	}
	if g.Drafts {
		p["readVersions"] = permission(rule(g.Access.ReadVersions, a))
	}
	return p
}
