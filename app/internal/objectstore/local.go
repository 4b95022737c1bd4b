package objectstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"os"
	"path"
	"strings"
	"time"
)

// Local stores objects as files under a directory: key "a/b.png" is the file
// <dir>/a/b.png, its headers live in the sidecar <dir>/a/.b.png.meta. All
// file access goes through os.Root, so neither a key nor a symlink planted
// in the directory can reach outside it. Writes go to a temporary file in
// the target's directory and are renamed into place, so readers see the old
// object or the new one, never a partial one.
type Local struct {
	dir  string
	root *os.Root
}

var _ Store = (*Local)(nil)

// localMeta is the sidecar content.
type localMeta struct {
	ContentType        string `json:"contentType"`
	CacheControl       string `json:"cacheControl,omitempty"`
	ContentDisposition string `json:"contentDisposition,omitempty"`
	ETag               string `json:"etag"`
}

// NewLocal opens (creating if needed) the directory dir as a store.
func NewLocal(dir string) (*Local, error) {
	if dir == "" {
		return nil, errors.New("objectstore: local store needs a directory")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("objectstore: create %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("objectstore: open %s: %w", dir, err)
	}
	return &Local{dir: dir, root: root}, nil
}

// Close releases the directory handle.
func (l *Local) Close() error { return l.root.Close() }

func metaName(key string) string {
	dir, file := path.Split(key)
	return dir + "." + file + ".meta"
}

func tmpName(key string) (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	dir, file := path.Split(key)
	return dir + ".tmp-" + hex.EncodeToString(b[:]) + "-" + file, nil
}

// Put implements Store.
func (l *Local) Put(ctx context.Context, key string, r io.Reader, size int64, opts PutOptions) (err error) {
	if err := ValidateKey(key); err != nil {
		return err
	}
	tmp, etag, err := l.writeTemp(ctx, key, r, size)
	if err != nil {
		return fmt.Errorf("objectstore: put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = l.root.Remove(tmp)
		}
	}()
	if err = l.writeMeta(key, newLocalMeta(opts, etag)); err != nil {
		return fmt.Errorf("objectstore: put %s: %w", key, err)
	}
	if err = l.root.Rename(tmp, key); err != nil {
		return fmt.Errorf("objectstore: put %s: %w", key, err)
	}
	return nil
}

// Create implements Store: the body is written once to a temporary file,
// which is then hard-linked under each key in turn until a link succeeds;
// link(2) fails on an existing name, so the check and the write are one
// step and a taken key costs one system call. The headers' sidecar is
// written after the link (a reader in between sees the defaults).
func (l *Local) Create(ctx context.Context, keys iter.Seq[string], r io.Reader, size int64, opts func(key string) PutOptions) (string, error) {
	tmp, etag := "", ""
	defer func() {
		if tmp != "" {
			_ = l.root.Remove(tmp)
		}
	}()
	for key := range keys {
		if err := ValidateKey(key); err != nil {
			return "", err
		}
		if tmp == "" {
			var err error
			if tmp, etag, err = l.writeTemp(ctx, key, r, size); err != nil {
				return "", fmt.Errorf("objectstore: create %s: %w", key, err)
			}
		} else if dir := path.Dir(key); dir != "." {
			if err := l.root.MkdirAll(dir, 0o750); err != nil {
				return "", fmt.Errorf("objectstore: create %s: %w", key, err)
			}
		}
		err := l.root.Link(tmp, key)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("objectstore: create %s: %w", key, err)
		}
		if err := l.writeMeta(key, newLocalMeta(opts(key), etag)); err != nil {
			_ = l.root.Remove(key)
			return "", fmt.Errorf("objectstore: create %s: %w", key, err)
		}
		return key, nil
	}
	return "", fmt.Errorf("objectstore: create: %w", ErrExists)
}

// writeTemp writes the body to a new temporary file beside key (creating
// key's directory) and returns its name and the body's ETag. Nothing is
// left when it fails.
func (l *Local) writeTemp(ctx context.Context, key string, r io.Reader, size int64) (_, _ string, err error) {
	if dir := path.Dir(key); dir != "." {
		if err := l.root.MkdirAll(dir, 0o750); err != nil {
			return "", "", err
		}
	}
	tmp, err := tmpName(key)
	if err != nil {
		return "", "", err
	}
	f, err := l.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return "", "", err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = l.root.Remove(tmp)
		}
	}()
	body := io.Reader(ctxReader{ctx: ctx, r: r})
	if size >= 0 {
		body = &sizeCheckReader{r: body, want: size}
	}
	h := sha256.New()
	if _, err = io.Copy(io.MultiWriter(f, h), body); err != nil {
		return "", "", err
	}
	// Sync before rename or link: after a crash the key holds the old or
	// the new bytes, not an empty file.
	if err = f.Sync(); err != nil {
		return "", "", err
	}
	if err = f.Close(); err != nil {
		return "", "", err
	}
	return tmp, `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`, nil
}

// newLocalMeta is the sidecar of an object put with opts.
func newLocalMeta(opts PutOptions, etag string) localMeta {
	return localMeta{
		ContentType:        OrDefault(opts.ContentType, DefaultContentType),
		CacheControl:       opts.CacheControl,
		ContentDisposition: opts.ContentDisposition,
		ETag:               etag,
	}
}

func (l *Local) writeMeta(key string, m localMeta) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp, err := tmpName(key)
	if err != nil {
		return err
	}
	if err := l.root.WriteFile(tmp, b, 0o640); err != nil {
		_ = l.root.Remove(tmp)
		return err
	}
	if err := l.root.Rename(tmp, metaName(key)); err != nil {
		_ = l.root.Remove(tmp)
		return err
	}
	return nil
}

// info builds the Info of key from its file info and its sidecar.
func (l *Local) info(key string, fi fs.FileInfo) Info {
	in := Info{Key: key, Size: fi.Size(), LastModified: fi.ModTime().UTC(), ContentType: DefaultContentType}
	var m localMeta
	if b, err := l.root.ReadFile(metaName(key)); err == nil && json.Unmarshal(b, &m) == nil {
		in.ContentType = OrDefault(m.ContentType, DefaultContentType)
		in.CacheControl = m.CacheControl
		in.ContentDisposition = m.ContentDisposition
		in.ETag = m.ETag
	}
	if in.ETag == "" {
		// A file copied in by hand has no sidecar: fall back to a size and
		// mtime validator, as static file servers do.
		in.ETag = fmt.Sprintf(`"%x-%x"`, fi.ModTime().UnixNano(), fi.Size())
	}
	return in
}

func notFound(op, key string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("objectstore: %s %s: %w", op, key, ErrNotFound)
	}
	return fmt.Errorf("objectstore: %s %s: %w", op, key, err)
}

// Get implements Store.
func (l *Local) Get(ctx context.Context, key string, rng *Range) (*Object, error) {
	if err := ValidateKey(key); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, err := l.root.Open(key)
	if err != nil {
		return nil, notFound("get", key, err)
	}
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, notFound("get", key, cmpErr(err, fs.ErrNotExist))
	}
	obj := &Object{Info: l.info(key, fi), Length: fi.Size()}
	if rng == nil {
		obj.Body = f
		return obj, nil
	}
	start, end, err := rng.resolve(fi.Size())
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("objectstore: get %s: %w", key, err)
	}
	if _, err := f.Seek(start, io.SeekStart); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("objectstore: get %s: %w", key, err)
	}
	obj.Length = end - start + 1
	obj.ContentRange = fmt.Sprintf("bytes %d-%d/%d", start, end, fi.Size())
	obj.Body = readCloser{Reader: io.LimitReader(f, obj.Length), Closer: f}
	return obj, nil
}

func cmpErr(err, def error) error {
	if err == nil {
		return def
	}
	return err
}

type readCloser struct {
	io.Reader
	io.Closer
}

// Head implements Store.
func (l *Local) Head(ctx context.Context, key string) (Info, error) {
	if err := ValidateKey(key); err != nil {
		return Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return Info{}, err
	}
	fi, err := l.root.Stat(key)
	if err != nil {
		return Info{}, notFound("head", key, err)
	}
	if !fi.Mode().IsRegular() {
		return Info{}, notFound("head", key, fs.ErrNotExist)
	}
	return l.info(key, fi), nil
}

// Delete implements Store. Directories left empty are kept: removing them
// would race with a concurrent Put into the same directory.
func (l *Local) Delete(ctx context.Context, keys ...string) error {
	for _, key := range keys {
		if err := ValidateKey(key); err != nil {
			return err
		}
	}
	for _, key := range keys {
		if err := ctx.Err(); err != nil {
			return err
		}
		fi, err := l.root.Lstat(key)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("objectstore: delete %s: %w", key, err)
		}
		if fi.IsDir() {
			continue // a "directory" is not an object, as on S3
		}
		if err := l.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("objectstore: delete %s: %w", key, err)
		}
		if err := l.root.Remove(metaName(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("objectstore: delete %s: %w", key, err)
		}
	}
	return nil
}

// List implements Store. Only the directory subtree that can hold the
// prefix is walked; bookkeeping files (dot files) are skipped.
func (l *Local) List(ctx context.Context, prefix string, fn func(Info) error) error {
	if err := ValidatePrefix(prefix); err != nil {
		return err
	}
	start := "."
	if i := strings.LastIndexByte(prefix, '/'); i > 0 {
		start = prefix[:i]
	}
	err := fs.WalkDir(l.root.FS(), start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == start && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll // nothing under that prefix
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if p != "." && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			// Prune directories that cannot contain a match.
			if p != "." && p != start && !strings.HasPrefix(p+"/", prefix) && !strings.HasPrefix(prefix, p+"/") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(p, prefix) {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // deleted while walking
		}
		if err != nil {
			return err
		}
		return fn(Info{Key: p, Size: fi.Size(), LastModified: fi.ModTime().UTC()})
	})
	if err != nil {
		return fmt.Errorf("objectstore: list %q: %w", prefix, err)
	}
	return nil
}

// PresignPut implements Store: local disk cannot presign.
func (l *Local) PresignPut(context.Context, string, string, int64, time.Duration) (string, map[string]string, error) {
	return "", nil, fmt.Errorf("objectstore: presign put on local disk: %w", ErrUnsupported)
}

// PresignGet implements Store: local disk cannot presign.
func (l *Local) PresignGet(context.Context, string, time.Duration) (string, error) {
	return "", fmt.Errorf("objectstore: presign get on local disk: %w", ErrUnsupported)
}

// Ping implements Store.
func (l *Local) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	fi, err := l.root.Stat(".")
	if err != nil {
		return fmt.Errorf("objectstore: ping %s: %w: %w", l.dir, ErrUnavailable, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("objectstore: ping %s: %w: not a directory", l.dir, ErrUnavailable)
	}
	return nil
}

var _ Janitor = (*Local)(nil)

// CleanIncomplete implements Janitor: it removes temporary files (of a
// process killed mid-Put) older than olderThan.
func (l *Local) CleanIncomplete(ctx context.Context, olderThan time.Duration) (int, error) {
	cutoff := time.Now().Add(-olderThan)
	n := 0
	err := fs.WalkDir(l.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), ".tmp-") {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // finished meanwhile
		}
		if err != nil {
			return err
		}
		if fi.ModTime().After(cutoff) {
			return nil // maybe still being written
		}
		if err := l.root.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		n++
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("objectstore: clean temporary files: %w", err)
	}
	return n, nil
}
