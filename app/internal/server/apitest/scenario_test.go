package apitest

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// Scenario is one request and what its answer must be (PocketBase's
// ApiScenario, in Payload's dialect). Scenarios of a table run in order on
// one env, so a step may rely on the state earlier steps left.
type Scenario struct {
	Name    string
	Method  string
	Path    string // {{var}} placeholders are expanded
	Headers map[string]string
	Body    any // see request.Body
	IP      string

	WantStatus int
	// WantJSON is a JSON text (or a Go value) matched as a subset of the
	// body: every expected key must be there and equal, extra keys are
	// allowed, arrays must have the same length. Placeholders: see match.
	WantJSON any
	// WantHeaders: exact value, "<absent>", "<any>" or "~regexp".
	WantHeaders map[string]string

	Setup func(t *testing.T, e *env)
	After func(t *testing.T, e *env, res *response)
}

// runScenarios runs the table in order on e, each as a subtest.
func runScenarios(t *testing.T, e *env, table []Scenario) {
	t.Helper()
	for _, sc := range table {
		t.Run(sc.Name, func(t *testing.T) {
			if sc.Setup != nil {
				sc.Setup(t, e)
			}
			method := sc.Method
			if method == "" {
				method = "GET"
			}
			res := e.do(t, request{Method: method, Path: sc.Path, Headers: sc.Headers, Body: sc.Body, IP: sc.IP})
			checkResponse(t, e, sc.WantStatus, sc.WantJSON, sc.WantHeaders, res)
			if sc.After != nil && !t.Failed() {
				sc.After(t, e, res)
			}
		})
	}
}

// checkResponse compares status, headers and the JSON subset.
func checkResponse(t *testing.T, e *env, wantStatus int, wantJSON any, wantHeaders map[string]string, res *response) {
	t.Helper()
	if wantStatus != 0 && res.Status != wantStatus {
		t.Errorf("status = %d, want %d; body: %s", res.Status, wantStatus, truncate(string(res.Raw), 1500))
	}
	for name, want := range wantHeaders {
		if err := matchHeader(res.Header.Values(name), e.expand(want)); err != "" {
			t.Errorf("header %s: %s", name, err)
		}
	}
	if wantJSON == nil {
		return
	}
	want := wantJSON
	if s, ok := wantJSON.(string); ok {
		if err := json.Unmarshal([]byte(e.expand(s)), &want); err != nil {
			t.Fatalf("bad WantJSON in test: %v\n%s", err, s)
		}
	}
	if res.JSON == nil {
		t.Errorf("body is not JSON: %s", truncate(string(res.Raw), 500))
		return
	}
	if diffs := match("$", want, res.JSON); len(diffs) > 0 {
		t.Errorf("body mismatch:\n  %s\nbody: %s", strings.Join(diffs, "\n  "), truncate(string(res.Raw), 3000))
	}
}

func matchHeader(got []string, want string) string {
	switch {
	case want == "<absent>":
		if len(got) > 0 {
			return fmt.Sprintf("want absent, got %q", got)
		}
	case want == "<any>":
		if len(got) == 0 {
			return "missing"
		}
	case strings.HasPrefix(want, "~"):
		re := regexp.MustCompile(want[1:])
		for _, g := range got {
			if re.MatchString(g) {
				return ""
			}
		}
		return fmt.Sprintf("%q does not match %s", got, want[1:])
	default:
		for _, g := range got {
			if g == want {
				return ""
			}
		}
		return fmt.Sprintf("got %q, want %q", got, want)
	}
	return ""
}

var (
	reDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$`)
	reJWT  = regexp.MustCompile(`^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$`)
	reUUID = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
)

// match reports where got differs from the subset want. String
// placeholders in want:
//
//	<any>     any value, also null (the key must be present)
//	<absent>  the key must not be present
//	<nonnull> any value but null
//	<date>    ISO-8601 UTC with milliseconds, as Payload prints timestamps
//	<JWT>     a compact JWS
//	<uuid>    a lower-case UUID
//	<id>      a positive integer
//	<number>  any number
//	<string>  a non-empty string
func match(path string, want, got any) []string {
	switch w := want.(type) {
	case string:
		return matchString(path, w, got)
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an object, got %s", path, brief(got))}
		}
		var diffs []string
		keys := make([]string, 0, len(w))
		for k := range w {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			gv, present := g[k]
			if w[k] == "<absent>" {
				if present {
					diffs = append(diffs, fmt.Sprintf("%s.%s: want absent, got %s", path, k, brief(gv)))
				}
				continue
			}
			if !present {
				diffs = append(diffs, fmt.Sprintf("%s.%s: missing (want %s)", path, k, brief(w[k])))
				continue
			}
			diffs = append(diffs, match(path+"."+k, w[k], gv)...)
		}
		return diffs
	case []any:
		g, ok := got.([]any)
		if !ok {
			return []string{fmt.Sprintf("%s: want an array, got %s", path, brief(got))}
		}
		if len(g) != len(w) {
			return []string{fmt.Sprintf("%s: want %d elements, got %d: %s", path, len(w), len(g), brief(got))}
		}
		var diffs []string
		for i := range w {
			diffs = append(diffs, match(fmt.Sprintf("%s[%d]", path, i), w[i], g[i])...)
		}
		return diffs
	case float64:
		if g, ok := got.(float64); !ok || math.Abs(g-w) > 1e-9 {
			return []string{fmt.Sprintf("%s: want %v, got %s", path, w, brief(got))}
		}
	case bool:
		if g, ok := got.(bool); !ok || g != w {
			return []string{fmt.Sprintf("%s: want %v, got %s", path, w, brief(got))}
		}
	case nil:
		if got != nil {
			return []string{fmt.Sprintf("%s: want null, got %s", path, brief(got))}
		}
	default:
		return []string{fmt.Sprintf("%s: unsupported expectation %T", path, want)}
	}
	return nil
}

func matchString(path, w string, got any) []string {
	bad := func(what string) []string {
		return []string{fmt.Sprintf("%s: want %s, got %s", path, what, brief(got))}
	}
	s, isStr := got.(string)
	n, isNum := got.(float64)
	switch w {
	case "<any>":
		return nil
	case "<nonnull>":
		if got == nil {
			return bad("non-null")
		}
	case "<date>":
		if !isStr || !reDate.MatchString(s) {
			return bad("a timestamp like 2026-11-24T23:58:38.098Z")
		}
	case "<JWT>":
		if !isStr || !reJWT.MatchString(s) {
			return bad("a JWT")
		}
	case "<uuid>":
		if !isStr || !reUUID.MatchString(s) {
			return bad("a UUID")
		}
	case "<id>":
		if !isNum || n <= 0 || n != math.Trunc(n) {
			return bad("a positive integer id")
		}
	case "<number>":
		if !isNum {
			return bad("a number")
		}
	case "<string>":
		if !isStr || s == "" {
			return bad("a non-empty string")
		}
	default:
		if !isStr || s != w {
			return bad(fmt.Sprintf("%q", w))
		}
	}
	return nil
}

func brief(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return truncate(string(b), 300)
}
