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

// Access holds a collection's access rules. Each is a pure function of the
// actor so it can be tested and reported by GET /api/access.
type Access struct {
	Read         func(a *Actor) Rule
	Create       func(a *Actor) Rule
	Update       func(a *Actor) Rule
	Delete       func(a *Actor) Rule
	ReadVersions func(a *Actor) Rule
	Unlock       func(a *Actor) Rule
}

func publishedOnly() *query.Where {
	return &query.Where{Conds: []query.Cond{{Path: "_status", Op: query.Equals, Values: []string{StatusPublished}}}}
}

func pagesAccess() Access {
	signedIn := func(a *Actor) Rule { return allowIf(a.SignedIn()) }
	return Access{
		Read: func(a *Actor) Rule {
			if a.SignedIn() {
				return allow
			}
			return Rule{Allow: true, Where: publishedOnly()}
		},
		Create: signedIn, Update: signedIn, Delete: signedIn, ReadVersions: signedIn,
		Unlock: func(*Actor) Rule { return deny },
	}
}

func mediaAccess() Access {
	signedIn := func(a *Actor) Rule { return allowIf(a.SignedIn()) }
	return Access{
		Read:   func(*Actor) Rule { return allow },
		Create: signedIn, Update: signedIn, Delete: signedIn,
		ReadVersions: func(*Actor) Rule { return deny },
		Unlock:       func(*Actor) Rule { return deny },
	}
}

// self limits an editor to their own user document.
func self(a *Actor) Rule {
	switch {
	case a.IsAdmin():
		return allow
	case a.SignedIn():
		return Rule{Allow: true, Where: &query.Where{Conds: []query.Cond{{Path: "id", Op: query.Equals, Values: []string{strconv.FormatInt(a.ID, 10)}}}}}
	default:
		return deny
	}
}

func usersAccess() Access {
	admin := func(a *Actor) Rule { return allowIf(a.IsAdmin()) }
	return Access{
		Read:         self,
		Create:       admin,
		Update:       self,
		Delete:       admin,
		ReadVersions: func(*Actor) Rule { return deny },
		Unlock:       admin,
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

// Permissions answers GET /api/access: what the actor may do per collection.
func (r *Registry) Permissions(a *Actor) map[string]any {
	cols := map[string]any{}
	for _, c := range r.order {
		read := c.Access.Read(a)
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
			"create": permission(c.Access.Create(a)),
			"read":   permission(read),
			"update": permission(c.Access.Update(a)),
			"delete": permission(c.Access.Delete(a)),
		}
		if c.Drafts {
			p["readVersions"] = permission(c.Access.ReadVersions(a))
		}
		if c.Auth {
			p["unlock"] = permission(c.Access.Unlock(a))
		}
		cols[c.Slug] = p
	}
	out := map[string]any{"collections": cols}
	if a.SignedIn() {
		out["canAccessAdmin"] = true
	}
	return out
}
