package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// liveTable is a table as the database reports it.
type liveTable struct {
	columns map[string]string // name → type class
	indexes map[string]bool   // name → unique
}

// typeClass groups SQL types the way Verify compares them.
func typeClass(d Dialect, sqlType string) string {
	t := strings.ToLower(strings.TrimSpace(sqlType))
	switch {
	case strings.Contains(t, "int"), t == "bigserial":
		return "int"
	case strings.Contains(t, "timestamp"):
		return "time"
	case strings.Contains(t, "bool"):
		return "bool"
	case strings.Contains(t, "json"):
		return "json"
	case strings.Contains(t, "double"), strings.Contains(t, "real"), strings.Contains(t, "float"), strings.Contains(t, "numeric"):
		return "float"
	}
	return "text"
}

// wantClass is the class a logical column type shows in a dialect.
func wantClass(d Dialect, logical string) string {
	switch logical {
	case "id", "ref", "int":
		return "int"
	case "float":
		return "float"
	case "bool":
		return "bool"
	case "time":
		if d == SQLite {
			return "text"
		}
		return "time"
	case "json":
		if d == SQLite {
			return "text"
		}
		return "json"
	}
	return "text"
}

// live reads the tables, columns and indexes of the database.
func (db *DB) live(ctx context.Context) (map[string]*liveTable, error) {
	out := map[string]*liveTable{}
	get := func(name string) *liveTable {
		t, ok := out[name]
		if !ok {
			t = &liveTable{columns: map[string]string{}, indexes: map[string]bool{}}
			out[name] = t
		}
		return t
	}
	g := db.gdb.WithContext(ctx)
	if db.dialect == Postgres {
		rows, err := g.Raw("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()").Rows()
		if err != nil {
			return nil, classify(fmt.Errorf("store: read columns: %w", err))
		}
		for rows.Next() {
			var tn, cn, dt string
			if err := rows.Scan(&tn, &cn, &dt); err != nil {
				rows.Close()
				return nil, err
			}
			get(tn).columns[cn] = typeClass(db.dialect, dt)
		}
		rows.Close()
		rows, err = g.Raw("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()").Rows()
		if err != nil {
			return nil, classify(fmt.Errorf("store: read indexes: %w", err))
		}
		defer rows.Close()
		for rows.Next() {
			var tn, in, def string
			if err := rows.Scan(&tn, &in, &def); err != nil {
				return nil, err
			}
			get(tn).indexes[in] = strings.HasPrefix(def, "CREATE UNIQUE")
		}
		return out, classify(rows.Err())
	}
	var tables []string
	if err := g.Raw("SELECT name FROM sqlite_master WHERE type = 'table'").Scan(&tables).Error; err != nil {
		return nil, classify(fmt.Errorf("store: read tables: %w", err))
	}
	for _, tn := range tables {
		t := get(tn)
		rows, err := g.Raw("SELECT name, type FROM pragma_table_info(?)", tn).Rows()
		if err != nil {
			return nil, classify(fmt.Errorf("store: read columns of %s: %w", tn, err))
		}
		for rows.Next() {
			var cn, ct string
			if err := rows.Scan(&cn, &ct); err != nil {
				rows.Close()
				return nil, err
			}
			t.columns[cn] = typeClass(db.dialect, ct)
		}
		rows.Close()
	}
	rows, err := g.Raw("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL").Rows()
	if err != nil {
		return nil, classify(fmt.Errorf("store: read indexes: %w", err))
	}
	defer rows.Close()
	for rows.Next() {
		var tn, in, def string
		if err := rows.Scan(&tn, &in, &def); err != nil {
			return nil, err
		}
		get(tn).indexes[in] = strings.HasPrefix(strings.ToUpper(def), "CREATE UNIQUE")
	}
	return out, classify(rows.Err())
}

// Verify compares the database with the schema the definitions need and
// returns every difference in words ("table header is missing", "column
// pages.summary is missing"); none means the database fits. Extra tables,
// columns and indexes the schema does not know are allowed (hand-written
// migrations own them).
func (db *DB) Verify(ctx context.Context, want Schema) ([]string, error) {
	live, err := db.live(ctx)
	if err != nil {
		return nil, err
	}
	return diffLive(db.dialect, want, live), nil
}

func diffLive(d Dialect, want Schema, live map[string]*liveTable) []string {
	var diffs []string
	for _, t := range want.Tables {
		lt, ok := live[t.Name]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("table %s (%s) is missing", t.Name, t.Entity))
			continue
		}
		for _, c := range t.Columns {
			cls, ok := lt.columns[c.Name]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("column %s.%s is missing", t.Name, c.Name))
			case cls != wantClass(d, c.Type):
				diffs = append(diffs, fmt.Sprintf("column %s.%s is %s, the definitions need %s", t.Name, c.Name, cls, wantClass(d, c.Type)))
			}
		}
		for _, ix := range t.Indexes {
			unique, ok := lt.indexes[ix.Name]
			switch {
			case !ok:
				diffs = append(diffs, fmt.Sprintf("index %s on %s is missing", ix.Name, t.Name))
			case unique != ix.Unique:
				diffs = append(diffs, fmt.Sprintf("index %s on %s should be unique=%v", ix.Name, t.Name, ix.Unique))
			}
		}
	}
	slices.Sort(diffs)
	return diffs
}
