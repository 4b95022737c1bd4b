package config

import (
	"reflect"
	"testing"

	"github.com/automatonic/chronos/app/contract"
)

// TestLoadReadsEveryVariableAsDeclared holds Load to the contract's table:
// every variable (and alias) is read, as the type the table declares.
func TestLoadReadsEveryVariableAsDeclared(t *testing.T) {
	p := newParser(map[string]string{})
	c := &Config{}
	for _, step := range []func(*Config){p.server, p.database, p.objectStore, p.secret, p.media, p.accounts, p.integrations} {
		step(c)
	}
	for _, v := range contract.Vars() {
		for _, name := range append([]string{v.Name}, v.Aliases...) {
			got, ok := p.parsed[name]
			if !ok {
				t.Errorf("Load never reads %s", name)
				continue
			}
			if got != v.Type {
				t.Errorf("Load reads %s as %s, the contract declares %s", name, got, v.Type)
			}
		}
	}
}

// TestDefaultsAreValidValues: each declared default, set explicitly, gives
// the same Config as leaving the variable unset, so the documented default
// is the one in force and it parses.
func TestDefaultsAreValidValues(t *testing.T) {
	unset, err := Load(map[string]string{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range contract.Vars() {
		if v.Default == "" {
			continue
		}
		t.Run(v.Name, func(t *testing.T) {
			set, err := Load(map[string]string{v.Name: v.Default})
			if err != nil {
				t.Fatalf("the default %q does not load: %v", v.Default, err)
			}
			if !reflect.DeepEqual(set, unset) {
				t.Errorf("setting the default %q changes the config:\n%+v\nwant\n%+v", v.Default, set, unset)
			}
		})
	}
}

// TestTableIsWellFormed checks what the parser relies on.
func TestTableIsWellFormed(t *testing.T) {
	for _, v := range contract.Vars() {
		switch v.Type {
		case contract.TypeInt:
			if v.Min > v.Max {
				t.Errorf("%s: Min %d > Max %d", v.Name, v.Min, v.Max)
			}
		case contract.TypeEnum:
			if len(v.Values) == 0 {
				t.Errorf("%s: enum without values", v.Name)
			}
		case contract.TypeURL:
			if len(v.Schemes) == 0 {
				t.Errorf("%s: URL without schemes", v.Name)
			}
		case contract.TypeString, contract.TypeBool, contract.TypeDuration, contract.TypeList:
		default:
			t.Errorf("%s: unknown type %q", v.Name, v.Type)
		}
		if v.Default != "" && v.DefaultDoc != "" {
			t.Errorf("%s: both Default and DefaultDoc", v.Name)
		}
	}
}
