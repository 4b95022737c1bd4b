package content_test

import (
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
)

// TestAccessReportFollowsTheRules: GET /api/access lists every collection
// and global for every caller, and each operation it reports is what the
// rule that guards the operation decides — allowed (true, or a where
// object when the rule filters), denied (false for a signed-in caller,
// left out for an anonymous one, as Payload answers).
func TestAccessReportFollowsTheRules(t *testing.T) {
	reg := collections.MustRegistry()
	actors := map[string]*content.Actor{
		"anonymous": nil,
		"editor":    {ID: 2, Roles: []string{content.RoleEditor}},
		"admin":     {ID: 1, Roles: []string{content.RoleAdmin}},
	}
	for name, a := range actors {
		report := reg.Permissions(a)
		check := func(kind string, c *content.Collection, entry any) {
			e, ok := entry.(map[string]any)
			if !ok {
				t.Errorf("%s: %s %s missing from the report", name, kind, c.Slug)
				return
			}
			ops := map[string]func(*content.Actor) content.Rule{"read": c.Access.Read, "update": c.Access.Update}
			if !c.Global {
				ops["create"], ops["delete"] = c.Access.Create, c.Access.Delete
			}
			if c.Drafts {
				ops["readVersions"] = c.Access.ReadVersions
			}
			if c.Auth {
				ops["unlock"] = c.Access.Unlock
			}
			for op, fn := range ops {
				r := content.Rule{}
				if fn != nil {
					r = fn(a)
				}
				got, present := e[op]
				switch {
				case !r.Allow && a.SignedIn():
					if got != false {
						t.Errorf("%s: %s.%s = %v, the rule denies: want false", name, c.Slug, op, got)
					}
				case !r.Allow:
					if present {
						t.Errorf("%s: %s.%s = %v, the rule denies: want it left out", name, c.Slug, op, got)
					}
				case r.Where == nil:
					if got != true {
						t.Errorf("%s: %s.%s = %v, the rule allows: want true", name, c.Slug, op, got)
					}
				default:
					if m, _ := got.(map[string]any); m["permission"] != true || m["where"] == nil {
						t.Errorf("%s: %s.%s = %v, the rule allows some documents: want {permission, where}", name, c.Slug, op, got)
					}
				}
			}
			if _, ok := e["fields"]; !ok {
				t.Errorf("%s: %s has no fields entry", name, c.Slug)
			}
			if fields, ok := e["fields"].(map[string]any); ok && !a.SignedIn() {
				readable := c.Access.Read != nil && c.Access.Read(a).Allow
				if _, listed := fields["createdAt"]; listed != readable {
					t.Errorf("%s: %s fields list createdAt = %v, collection readable = %v", name, c.Slug, listed, readable)
				}
			}
		}
		cols, _ := report["collections"].(map[string]any)
		for _, c := range reg.All() {
			check("collection", c, cols[c.Slug])
		}
		globals, _ := report["globals"].(map[string]any)
		for _, g := range reg.Globals() {
			check("global", g, globals[g.Slug])
		}
		if len(cols) != len(reg.All()) || len(globals) != len(reg.Globals()) {
			t.Errorf("%s: report lists %d collections and %d globals, want %d and %d", name, len(cols), len(globals), len(reg.All()), len(reg.Globals()))
		}
	}
}
