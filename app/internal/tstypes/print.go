package tstypes

import "strings"

// The TypeScript type tree and prettier's layout of it: objects always
// expanded (json-schema-to-typescript writes them on several lines), a
// union on one line when it fits in the width and holds no object, an
// object-or-null union hugged (`{…} | null`), otherwise one `| member` per
// line.

type node interface{}

// tName is a keyword, reference or literal.
type tName string

type member struct {
	name     string
	optional bool
	doc      string
	t        node
}

// tObj is an object type; index adds `[k: string]: unknown`.
type tObj struct {
	members []member
	index   bool
}

type tArr struct{ elem node }

type tUnion []node

func spaces(n int) string { return strings.Repeat(" ", n) }

// flat is the one-line form of n; ok is false when n holds an object with
// members.
func flat(n node) (string, bool) {
	switch n := n.(type) {
	case tName:
		return string(n), true
	case *tObj:
		if len(n.members) == 0 && !n.index {
			return "{}", true
		}
		return "", false
	case tArr:
		s, ok := flat(n.elem)
		if _, u := n.elem.(tUnion); u {
			s = "(" + s + ")"
		}
		return s + "[]", ok
	case tUnion:
		parts := make([]string, len(n))
		for i, m := range n {
			s, ok := flat(m)
			if !ok {
				return "", false
			}
			if _, u := m.(tUnion); u {
				s = "(" + s + ")"
			}
			parts[i] = s
		}
		return strings.Join(parts, " | "), true
	}
	return "", false
}

// hug reports prettier's shouldHugType for a union: objects and nulls
// only, exactly one non-null member.
func hug(u tUnion) bool {
	nulls, objects := 0, 0
	for _, m := range u {
		switch m := m.(type) {
		case tName:
			if m == "null" {
				nulls++
			}
		case *tObj:
			objects++
		}
	}
	return objects > 0 && len(u)-1 == nulls
}

// render lays n out starting at column col; continuation lines are
// indented from base.
func render(n node, base, col int) string {
	switch n := n.(type) {
	case tName:
		return string(n)
	case *tObj:
		if len(n.members) == 0 && !n.index {
			return "{}"
		}
		var b strings.Builder
		b.WriteString("{\n")
		for _, m := range n.members {
			b.WriteString(renderMember(m, base+2))
		}
		if n.index {
			b.WriteString(spaces(base+2) + "[k: string]: unknown;\n")
		}
		b.WriteString(spaces(base) + "}")
		return b.String()
	case tArr:
		if u, ok := n.elem.(tUnion); ok {
			return parenUnion(u, base, col) + "[]"
		}
		return render(n.elem, base, col) + "[]"
	case tUnion:
		if f, ok := flat(n); ok && col+len(f)+1 <= width {
			return f
		}
		if hug(n) {
			parts := make([]string, len(n))
			for i, m := range n {
				parts[i] = render(m, base, col)
			}
			return strings.Join(parts, " | ")
		}
		return "\n" + brokenUnion(n, base)
	}
	return "unknown"
}

// parenUnion is a union inside parentheses (an array's element, or a
// member of another union).
func parenUnion(u tUnion, base, col int) string {
	if f, ok := flat(u); ok && col+len(f)+3 <= width {
		return "(" + f + ")"
	}
	if hug(u) {
		return "(" + render(u, base, col+1) + ")"
	}
	return "(\n" + brokenUnion(u, base+2) + "\n" + spaces(base) + ")"
}

// brokenUnion is one `| member` line per member, at indent ind.
func brokenUnion(u tUnion, ind int) string {
	lines := make([]string, len(u))
	for i, m := range u {
		lines[i] = spaces(ind) + "| " + unionMember(m, ind+2)
	}
	return strings.Join(lines, "\n")
}

func unionMember(m node, base int) string {
	if u, ok := m.(tUnion); ok {
		return parenUnion(u, base, base+1)
	}
	return render(m, base, base)
}

// renderMember is one property line (or lines) of an object at indent ind.
func renderMember(m member, ind int) string {
	var b strings.Builder
	if m.doc != "" {
		b.WriteString(spaces(ind) + "/**\n")
		for _, l := range strings.Split(m.doc, "\n") {
			b.WriteString(strings.TrimRight(spaces(ind)+" * "+l, " ") + "\n")
		}
		b.WriteString(spaces(ind) + " */\n")
	}
	prefix := propName(m.name)
	if m.optional {
		prefix += "?"
	}
	prefix += ":"
	b.WriteString(spaces(ind) + prefix)
	if u, ok := m.t.(tUnion); ok && !hug(u) {
		if f, ok := flat(u); !ok || ind+len(prefix)+1+len(f)+1 > width {
			b.WriteString("\n" + brokenUnion(u, ind+2) + ";\n")
			return b.String()
		}
	}
	b.WriteString(" " + render(m.t, ind, ind+len(prefix)+1) + ";\n")
	return b.String()
}
