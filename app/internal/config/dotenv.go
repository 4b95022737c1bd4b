package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// ParseDotEnv reads KEY=VALUE lines: blank lines and # comments are skipped,
// an optional `export ` prefix is allowed, values may be single- or
// double-quoted (double quotes understand Go escapes).
func ParseDotEnv(r io.Reader) (map[string]string, error) {
	out := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t\"'") {
			return nil, fmt.Errorf("line %d: expected KEY=VALUE", n)
		}
		val = strings.TrimSpace(val)
		switch {
		case len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"':
			uq, err := strconv.Unquote(val)
			if err != nil {
				return nil, fmt.Errorf("line %d: %s: bad double-quoted value", n, key)
			}
			val = uq
		case len(val) >= 2 && val[0] == '\'' && val[len(val)-1] == '\'':
			val = val[1 : len(val)-1]
		default:
			if i := strings.Index(val, " #"); i >= 0 {
				val = strings.TrimSpace(val[:i])
			}
		}
		out[key] = val
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read .env: %w", err)
	}
	return out, nil
}

// Environ merges the process environment over a .env file at path (the
// process wins, as with most .env loaders). A missing file is not an error.
func Environ(path string, environ []string) (map[string]string, error) {
	env := map[string]string{}
	if path != "" {
		f, err := os.Open(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, fmt.Errorf("open %s: %w", path, err)
		default:
			defer f.Close()
			fileEnv, err := ParseDotEnv(f)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", path, err)
			}
			env = fileEnv
		}
	}
	for _, kv := range environ {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	return env, nil
}

// FormatDotEnv renders one KEY=VALUE line, quoting when needed.
func FormatDotEnv(key, val string) string {
	if val == "" || strings.ContainsAny(val, " \t#\"'\\$`\n") {
		return key + "=" + strconv.Quote(val)
	}
	return key + "=" + val
}
