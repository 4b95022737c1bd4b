package content

import (
	"maps"
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

// accessOp is one operation GET /api/access reports, in Payload's name.
type accessOp struct {
	name string
	fn   func(*Actor) Rule
}

// accessOps lists the operations of a collection or global: the same
// functions that guard the operations, so the report cannot say otherwise.
func accessOps(c *Collection) []accessOp {
	if c.Global {
		ops := []accessOp{{"read", c.Access.Read}, {"update", c.Access.Update}}
		if c.Drafts {
			ops = append(ops, accessOp{"readVersions", c.Access.ReadVersions})
		}
		return ops
	}
	ops := []accessOp{{"create", c.Access.Create}, {"read", c.Access.Read}, {"update", c.Access.Update}, {"delete", c.Access.Delete}}
	if c.Drafts {
		ops = append(ops, accessOp{"readVersions", c.Access.ReadVersions})
	}
	if c.Auth {
		ops = append(ops, accessOp{"unlock", c.Access.Unlock})
	}
	return ops
}

// fieldPermissions lists per field the field operations (create, read,
// update) the collection's rules allow; fields have no rules of their own,
// so each is its collection's. A field with none allowed is left out, as
// Payload leaves out what is denied.
func fieldPermissions(fields []Field, allowed map[string]any) map[string]any {
	out := map[string]any{}
	add := func(name string, sub []Field) {
		if len(allowed) == 0 {
			return
		}
		p := maps.Clone(allowed)
		if sub != nil {
			p["fields"] = fieldPermissions(sub, allowed)
		}
		out[name] = p
	}
	for _, f := range fields {
		if f.Type == Group || f.Type == Array {
			add(f.Name, f.Fields)
			continue
		}
		add(f.Name, nil)
	}
	add("createdAt", nil)
	add("updatedAt", nil)
	return out
}

// entityPermissions is one collection's or global's entry of the access
// report, each operation evaluated by its rule. keepDenied: denied
// operations are reported as false (signed-in callers, and a global's own
// access route) and fields as true; otherwise, as Payload answers anonymous
// callers, denied operations are left out and fields are listed one by one
// with the operations allowed on them.
func entityPermissions(c *Collection, a *Actor, keepDenied bool) map[string]any {
	p := map[string]any{}
	allowed := map[string]any{}
	for _, op := range accessOps(c) {
		r := rule(op.fn, a)
		if keepDenied || r.Allow {
			p[op.name] = permission(r)
		}
		switch op.name {
		case "create", "read", "update":
			if r.Allow {
				allowed[op.name] = true
			}
		}
	}
	if keepDenied {
		p["fields"] = true
		return p
	}
	fields := fieldPermissions(c.Fields, allowed)
	if c.Drafts && len(allowed) > 0 {
		fields["_status"] = maps.Clone(allowed)
	}
	p["fields"] = fields
	return p
}

// Permissions answers GET /api/access: what the actor may do per
// collection and global, every one of them listed.
func (r *Registry) Permissions(a *Actor) map[string]any {
	cols := map[string]any{}
	for _, c := range r.order {
		cols[c.Slug] = entityPermissions(c, a, a.SignedIn())
	}
	globals := map[string]any{}
	for _, g := range r.globals {
		globals[g.Slug] = entityPermissions(g, a, a.SignedIn())
	}
	out := map[string]any{"collections": cols, "globals": globals}
	if a.SignedIn() {
		out["canAccessAdmin"] = true
	}
	return out
}

// GlobalPermissions answers POST /api/globals/{slug}/access.
func GlobalPermissions(g *Collection, a *Actor) map[string]any {
	return entityPermissions(g, a, true)
}
