// Package stackfile reads Pulumi.yaml and Pulumi.<stack>.yaml the way the
// Pulumi CLI hands them to a program: namespaced keys, project defaults
// applied, scalars as text and structured values as JSON. Tests use it to run
// the real program and the pure planner against the real stack files.
package stackfile

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Project is the part of Pulumi.yaml the tests check.
type Project struct {
	Name    string          `yaml:"name"`
	Runtime any             `yaml:"runtime"`
	Main    string          `yaml:"main"`
	Config  map[string]Decl `yaml:"config"`
}

// Decl is one project-level config declaration.
type Decl struct {
	Type        string         `yaml:"type"`
	Items       map[string]any `yaml:"items"`
	Description string         `yaml:"description"`
	Secret      bool           `yaml:"secret"`
	Default     any            `yaml:"default"`
	Value       any            `yaml:"value"`
}

// Stack is a stack's configuration as the engine passes it to the program.
type Stack struct {
	Values map[string]string // namespaced key -> engine representation
	Secure []string          // keys stored encrypted (`secure:`), sorted
	Raw    map[string]any    // the stack file's own values, as YAML decoded them
}

// LoadProject reads Pulumi.yaml.
func LoadProject(path string) (Project, error) {
	var p Project
	b, err := os.ReadFile(path)
	if err != nil {
		return p, fmt.Errorf("reading project file: %w", err)
	}
	if err := yaml.Unmarshal(b, &p); err != nil {
		return p, fmt.Errorf("parsing %s: %w", path, err)
	}
	return p, nil
}

// Load reads a stack file and applies the project's defaults.
func Load(projectPath, stackPath string) (Stack, error) {
	proj, err := LoadProject(projectPath)
	if err != nil {
		return Stack{}, err
	}
	b, err := os.ReadFile(stackPath)
	if err != nil {
		return Stack{}, fmt.Errorf("reading stack file: %w", err)
	}
	var doc struct {
		Config map[string]any `yaml:"config"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return Stack{}, fmt.Errorf("parsing %s: %w", stackPath, err)
	}
	s := Stack{Values: map[string]string{}, Raw: doc.Config}
	for key, d := range proj.Config {
		v := d.Default
		if d.Value != nil {
			v = d.Value
		}
		if v == nil {
			continue
		}
		enc, err := Encode(v)
		if err != nil {
			return Stack{}, fmt.Errorf("Pulumi.yaml %s: %w", key, err)
		}
		s.Values[namespaced(proj.Name, key)] = enc
	}
	for key, v := range doc.Config {
		full := namespaced(proj.Name, key)
		if m, ok := v.(map[string]any); ok && len(m) == 1 {
			if c, ok := m["secure"].(string); ok {
				s.Secure = append(s.Secure, full)
				s.Values[full] = c // ciphertext: tests replace it with a test value
				continue
			}
		}
		enc, err := Encode(v)
		if err != nil {
			return Stack{}, fmt.Errorf("%s %s: %w", stackPath, key, err)
		}
		s.Values[full] = enc
	}
	sort.Strings(s.Secure)
	return s, nil
}

func namespaced(project, key string) string {
	if strings.Contains(key, ":") {
		return key
	}
	return project + ":" + key
}

// Encode renders a YAML value the way the engine passes it to a program.
func Encode(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool:
		return strconv.FormatBool(x), nil
	case int:
		return strconv.Itoa(x), nil
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), nil
	default:
		b, err := json.Marshal(x)
		if err != nil {
			return "", fmt.Errorf("encoding value: %w", err)
		}
		return string(b), nil
	}
}
