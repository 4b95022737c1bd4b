package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/automatonic/chronos/app/internal/media"
	"gorm.io/gorm"
)

// MediaFiles implements media.Files on the media_files table: the object
// index and atomic name registry of uploads.
type MediaFiles struct {
	db *DB
	g  *gorm.DB
}

var _ media.Files = (*MediaFiles)(nil)

// MediaFiles returns the media object index of db.
func (db *DB) MediaFiles() *MediaFiles { return &MediaFiles{db: db, g: db.gdb} }

const mediaFileCols = "filename, media_id, size_name, content_type, filesize, created_at"

func (m *MediaFiles) timeArg(t time.Time) any {
	if m.db.dialect == SQLite {
		return formatTime(t)
	}
	return t.UTC()
}

func scanMediaFiles(rows *sql.Rows) ([]media.File, error) {
	defer rows.Close()
	var out []media.File
	for rows.Next() {
		var (
			f       media.File
			id      sql.NullInt64
			created any
		)
		if err := rows.Scan(&f.Filename, &id, &f.SizeName, &f.ContentType, &f.Filesize, &created); err != nil {
			return nil, fmt.Errorf("scan media file: %w", err)
		}
		f.MediaID = id.Int64
		t, err := toTime(created)
		if err != nil {
			return nil, err
		}
		f.CreatedAt = t
		out = append(out, f)
	}
	return out, classify(rows.Err())
}

func (m *MediaFiles) query(ctx context.Context, q string, args ...any) ([]media.File, error) {
	rows, err := m.g.WithContext(ctx).Raw("SELECT "+mediaFileCols+" FROM media_files "+q, args...).Rows()
	if err != nil {
		return nil, classify(err)
	}
	return scanMediaFiles(rows)
}

// Claim implements media.Files: one INSERT that does nothing on a taken
// name, so concurrent uploads of the same name get distinct names.
func (m *MediaFiles) Claim(ctx context.Context, f media.File) (bool, error) {
	if f.CreatedAt.IsZero() {
		f.CreatedAt = time.Now()
	}
	res := m.g.WithContext(ctx).Exec("INSERT INTO media_files (filename, size_name, content_type, filesize, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (filename) DO NOTHING",
		f.Filename, f.SizeName, f.ContentType, f.Filesize, m.timeArg(f.CreatedAt))
	if res.Error != nil {
		return false, classify(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Mark implements media.Files with one conditional UPDATE.
func (m *MediaFiles) Mark(ctx context.Context, name, from, to string) (bool, error) {
	res := m.g.WithContext(ctx).Exec("UPDATE media_files SET content_type = ? WHERE filename = ? AND media_id IS NULL AND content_type = ?", to, name, from)
	if res.Error != nil {
		return false, classify(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Release implements media.Files.
func (m *MediaFiles) Release(ctx context.Context, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	return classify(m.g.WithContext(ctx).Exec("DELETE FROM media_files WHERE filename IN ?", names).Error)
}

// Get implements media.Files.
func (m *MediaFiles) Get(ctx context.Context, name string) (media.File, error) {
	fs, err := m.query(ctx, "WHERE filename = ?", name)
	if err != nil {
		return media.File{}, err
	}
	if len(fs) == 0 {
		return media.File{}, media.ErrFileNotFound
	}
	return fs[0], nil
}

// ByMedia implements media.Files.
func (m *MediaFiles) ByMedia(ctx context.Context, mediaID int64) ([]media.File, error) {
	return m.query(ctx, "WHERE media_id = ? ORDER BY filename", mediaID)
}

// Known implements media.Files.
func (m *MediaFiles) Known(ctx context.Context, names []string) (map[string]bool, error) {
	out := make(map[string]bool, len(names))
	if len(names) == 0 {
		return out, nil
	}
	var found []string
	if err := m.g.WithContext(ctx).Raw("SELECT filename FROM media_files WHERE filename IN ?", names).Scan(&found).Error; err != nil {
		return nil, classify(err)
	}
	for _, n := range found {
		out[n] = true
	}
	return out, nil
}

// Pending implements media.Files.
func (m *MediaFiles) Pending(ctx context.Context, cutoff time.Time) ([]media.File, error) {
	return m.query(ctx, "WHERE media_id IS NULL AND created_at < ? ORDER BY created_at", m.timeArg(cutoff))
}

// Originals implements media.Files.
func (m *MediaFiles) Originals(ctx context.Context) ([]media.File, error) {
	return m.query(ctx, "WHERE media_id IS NOT NULL AND size_name = '' ORDER BY media_id")
}

// All returns every row (for tests and `cms media gc` reports).
func (m *MediaFiles) All(ctx context.Context) ([]media.File, error) {
	return m.query(ctx, "ORDER BY filename")
}
