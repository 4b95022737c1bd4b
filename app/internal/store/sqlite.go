package store

import (
	"database/sql/driver"
	"strings"

	sqlite "github.com/glebarez/go-sqlite"
)

// SQLite's lower() folds ASCII only, so `like` on "Über" would miss "über".
// chronos_lower folds every letter; the driver keeps a process-wide
// function table, hence registration at init (like sql.Register).
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("chronos_lower", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case string:
			return strings.ToLower(v), nil
		case []byte:
			return strings.ToLower(string(v)), nil
		case nil:
			return nil, nil
		default:
			return v, nil
		}
	})
}
