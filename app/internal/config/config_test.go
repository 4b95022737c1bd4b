package config

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/automatonic/chronos/app/contract"
)

func TestDevDefaults(t *testing.T) {
	c, err := Load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	checks := map[string]bool{
		"env development":    c.Env == Development && !c.Production(),
		"sqlite under data":  c.UsesSQLite() && c.SQLitePath == filepath.Join("data", "chronos.db"),
		"local disk":         !c.S3.Enabled(),
		"loopback addr":      c.Addr == "127.0.0.1:8080",
		"public url derived": c.PublicURL == "http://127.0.0.1:8080",
		"auto-migrate":       c.AutoMigrate,
		"token ttl 2h":       c.TokenTTL == 2*time.Hour,
		"pool 10":            c.DBMaxConns == 10,
		"lockout 5/10m":      c.LoginMaxAttempts == 5 && c.LockoutDuration == 10*time.Minute,
	}
	for name, ok := range checks {
		if !ok {
			t.Errorf("%s: got %+v", name, c)
		}
	}
}

func TestProductionNamesEveryMissingVariableAtOnce(t *testing.T) {
	_, err := Load(map[string]string{contract.CMSEnv: Production})
	if err == nil {
		t.Fatal("production without anything must fail")
	}
	for _, name := range []string{contract.PostgresURL, contract.S3Bucket, contract.PayloadSecret} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s:\n%v", name, err)
		}
	}
}

func TestProductionAcceptsCompleteConfig(t *testing.T) {
	c, err := Load(map[string]string{
		contract.CMSEnv: Production, contract.PostgresURL: "postgres://u:p@db:5432/cms?sslmode=require",
		contract.S3Bucket: "b", contract.CMSSecret: strings.Repeat("s", 32),
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.AutoMigrate || c.Secret != strings.Repeat("s", 32) || c.Addr != ":8080" {
		t.Fatalf("got %+v", c)
	}
}

func TestErrorsNeverEchoSecrets(t *testing.T) {
	secretPW := "hunter2-very-secret"
	cases := map[string]map[string]string{
		"short secret":      {contract.CMSEnv: Production, contract.PayloadSecret: "short-" + secretPW},
		"bad postgres url":  {contract.PostgresURL: "mysql://root:" + secretPW + "@h/db"},
		"unparseable url":   {contract.PostgresURL: "postgres://u:" + secretPW + "@h:port/db"},
		"no database name":  {contract.PostgresURL: "postgres://u:" + secretPW + "@h:5432"},
		"bad smtp":          {contract.SMTPURL: "http://u:" + secretPW + "@mail"},
		"s3 key without id": {contract.S3SecretAccessKey: secretPW},
	}
	for name, env := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(env)
			if err == nil {
				t.Fatal("want an error")
			}
			if strings.Contains(err.Error(), secretPW) {
				t.Fatalf("error leaks the secret: %v", err)
			}
		})
	}
}

func TestMalformedPostgresURLNamesTheVariable(t *testing.T) {
	_, err := Load(map[string]string{contract.PostgresURL: "postgres://u:p@h:notaport/db"})
	if err == nil || !strings.Contains(err.Error(), contract.PostgresURL) {
		t.Fatalf("got %v", err)
	}
}

func TestValidationTable(t *testing.T) {
	cases := []struct {
		env  map[string]string
		want string // substring of the error
	}{
		{map[string]string{contract.CMSEnv: "staging"}, contract.CMSEnv},
		{map[string]string{contract.CMSCORSOrigins: "https://ok.example, ftp://bad.example"}, "ftp://bad.example"},
		{map[string]string{contract.CMSCORSOrigins: "https://example.com/path"}, contract.CMSCORSOrigins},
		{map[string]string{contract.CMSDBMaxConns: "0"}, contract.CMSDBMaxConns},
		{map[string]string{contract.CMSTokenTTL: "soon"}, contract.CMSTokenTTL},
		{map[string]string{contract.CMSMediaDelivery: "public"}, contract.S3PublicURL},
		{map[string]string{contract.CMSMediaDelivery: "presign"}, contract.S3Bucket},
		{map[string]string{contract.S3ForcePathStyle: "maybe"}, contract.S3ForcePathStyle},
		{map[string]string{contract.CMSPasswordMinLen: "4"}, contract.CMSPasswordMinLen},
		{map[string]string{contract.S3Prefix: "../up"}, contract.S3Prefix},
		{map[string]string{contract.SMTPURL: "smtp://mail:25"}, contract.SMTPFrom},
	}
	for _, c := range cases {
		_, err := Load(c.env)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: got %v, want mention of %s", c.env, err, c.want)
		}
	}
}

func TestOriginsAndDurations(t *testing.T) {
	c, err := Load(map[string]string{contract.CMSCORSOrigins: " http://localhost:3000/ ,https://www.example.com", contract.CMSTokenTTL: "3600"})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(c.CORSOrigins, " ") != "http://localhost:3000 https://www.example.com" || c.TokenTTL != time.Hour {
		t.Fatalf("got %v %v", c.CORSOrigins, c.TokenTTL)
	}
}

func TestRedactedMasksSecrets(t *testing.T) {
	c, err := Load(map[string]string{contract.PostgresURL: "postgres://u:pw123@h/db", contract.PayloadSecret: "topsecret", contract.S3Bucket: "b", contract.S3AccessKeyID: "AKIA", contract.S3SecretAccessKey: "sk123"})
	if err != nil {
		t.Fatal(err)
	}
	all := ""
	for k, v := range c.Redacted() {
		all += k + "=" + v + "\n"
	}
	for _, s := range []string{"pw123", "topsecret", "sk123"} {
		if strings.Contains(all, s) {
			t.Errorf("Redacted leaks %q:\n%s", s, all)
		}
	}
}

func TestDotEnv(t *testing.T) {
	env, err := ParseDotEnv(strings.NewReader("# comment\nexport A=1\nB=\"two words\"\nC='x#y'\nD=plain # trailing\n\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"A": "1", "B": "two words", "C": "x#y", "D": "plain"}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("%s = %q, want %q", k, env[k], v)
		}
	}
	if _, err := ParseDotEnv(strings.NewReader("no equals sign\n")); err == nil {
		t.Error("a line without = must fail")
	}
	if got := FormatDotEnv("K", "a b\"c"); got != `K="a b\"c"` {
		t.Errorf("FormatDotEnv = %s", got)
	}
}

func TestEnvironProcessWinsOverFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(p, []byte("A=file\nB=file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, err := Environ(p, []string{"A=proc"})
	if err != nil || env["A"] != "proc" || env["B"] != "file" {
		t.Fatalf("got %v %v", env, err)
	}
	if _, err := Environ(filepath.Join(t.TempDir(), "missing"), nil); err != nil {
		t.Fatalf("missing .env must be fine: %v", err)
	}
}

func TestDevSecretIsGeneratedOnceAndKept(t *testing.T) {
	dir := t.TempDir()
	c, _ := Load(map[string]string{contract.CMSDataDir: dir})
	if w, err := EnsureDevSecret(c); err != nil || w == "" || len(c.Secret) < MinSecretBytes {
		t.Fatalf("first: %q %v %d", w, err, len(c.Secret))
	}
	first := c.Secret
	c2, _ := Load(map[string]string{contract.CMSDataDir: dir})
	if _, err := EnsureDevSecret(c2); err != nil || c2.Secret != first {
		t.Fatalf("second run got a different secret")
	}
	st, err := os.Stat(filepath.Join(dir, "dev-secret"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("dev secret file mode: %v %v", st, err)
	}
}

// TestEveryContractVariableIsRead proves config reads every name of the
// contract: each contract.X constant naming a variable appears in Load.
func TestEveryContractVariableIsRead(t *testing.T) {
	fset := token.NewFileSet()
	f, err := goparser.ParseFile(fset, "config.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok && id.Name == "contract" {
				used[sel.Sel.Name] = true
			}
		}
		return true
	})
	consts := map[string]string{}
	cf, err := goparser.ParseFile(fset, filepath.Join("..", "..", "contract", "contract.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range cf.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, s := range gd.Specs {
			vs := s.(*ast.ValueSpec)
			for i, n := range vs.Names {
				if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
					consts[strings.Trim(lit.Value, `"`)] = n.Name
				}
			}
		}
	}
	for _, name := range contract.Names() {
		ident, ok := consts[name]
		if !ok {
			t.Errorf("no constant for %s", name)
			continue
		}
		if !used[ident] {
			t.Errorf("config never reads contract.%s (%s)", ident, name)
		}
	}
}
