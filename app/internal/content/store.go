package content

import (
	"context"
	"fmt"
	"time"

	"github.com/automatonic/chronos/app/internal/docjson"
	"github.com/automatonic/chronos/app/internal/fault"
)

// ErrNotFound is returned when a document does not exist or is hidden from
// the caller.
var ErrNotFound = fault.New(fault.NotFound, "Not Found")

// UniqueError is a unique constraint violation on a field, raised by the
// store (SQLSTATE 23505 / SQLite constraint) and shown as a ValidationError.
type UniqueError struct {
	Collection string
	Field      string
}

func (e *UniqueError) Error() string { return e.Collection + "." + e.Field + ": value must be unique" }

// FaultKind: a taken unique value is invalid input.
func (e *UniqueError) FaultKind() fault.Kind { return fault.Invalid }

// FaultFields names the field.
func (e *UniqueError) FaultFields() []fault.FieldError {
	return []fault.FieldError{{Path: e.Field, Message: msgUnique, TableName: e.Collection}}
}

// Record is a stored document: the field values as JSON-decoded data plus
// the system columns.
type Record struct {
	ID        int64
	CreatedAt time.Time
	UpdatedAt time.Time
	Status    string // drafts collections only
	Data      map[string]any
	// Raw is the stored JSON text of the field values, in place of Data
	// (which is then nil), when the read asked for it (Find.Raw).
	Raw []byte
}

// DecodeData decodes a document's stored JSON text into its field values
// (numbers as float64). Stores decode with it, so a read that decodes late
// (Record.Raw) sees the same values.
// docjson.DecodeObject gives json.Unmarshal's values, without reflection.
func DecodeData(raw []byte) (map[string]any, error) {
	m, err := docjson.DecodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("decode stored data: %w", err)
	}
	return m, nil
}

// Version is a stored version (snapshot) of a drafts-enabled document.
type Version struct {
	ID        int64
	Parent    int64
	Latest    bool
	Status    string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Autosave marks a version written by autosave: the next autosave
	// updates it instead of adding a version (Payload's rule).
	Autosave bool
	// Data holds the document's field values at that version.
	Data map[string]any
}

// SortKey is a checked sort entry: a system field or an indexed field.
type SortKey struct {
	Field string // "id", "createdAt", "updatedAt", "_status" or an indexed field name
	Desc  bool
}

// Find describes a list query.
type Find struct {
	Filter Filter
	// Latest, when set, must hold for each document's latest version
	// (versions-table paths: parent, latest, version.*): a draft read
	// filters what the drafts say, not the published row.
	Latest *Filter
	Sort   []SortKey
	Limit  int // 0 = no limit
	Offset int
	// Raw asks for each record's stored JSON text (Record.Raw) instead of
	// its decoded Data: a read that only encodes the documents (see
	// ReadOptions.Encoded) decodes what it needs of it.
	Raw bool
}

// Get is one read of a GetEach: the records of collection C with the
// given ids that match Filter, decoded (GetMany) or, with Text, as stored
// text (GetManyText).
type Get struct {
	C      *Collection
	IDs    []int64
	Filter Filter
	Text   bool
}

// UploadType is what an upload document says of its file: its name and
// MIME type ("" where it has none).
type UploadType struct {
	Filename string
	MimeType string
}

// Store is what content needs from persistence. The gorm implementation
// lives in app/internal/store; rows never leave it.
type Store interface {
	// Find returns the matching records and the total count of matches.
	Find(ctx context.Context, c *Collection, q Find) ([]Record, int64, error)
	Count(ctx context.Context, c *Collection, f Filter) (int64, error)
	// GetMany returns the records with the given ids that match f, in no order.
	GetMany(ctx context.Context, c *Collection, ids []int64, f Filter) ([]Record, error)
	// GetManyText is GetMany with each record's stored JSON text in
	// Record.Raw in place of Data (see Find.Raw).
	GetManyText(ctx context.Context, c *Collection, ids []int64, f Filter) ([]Record, error)
	// GetEach runs several gets at once and returns each one's records
	// (in no order), in the order of gets: a store may answer them in one
	// round trip (population reads a level's target collections with it).
	GetEach(ctx context.Context, gets []Get) ([][]Record, error)
	// Existing returns which of the ids asked of each collection are
	// stored (regardless of access), in no order: a relation check that
	// reads no documents, one statement for all the collections.
	Existing(ctx context.Context, ask map[*Collection][]int64) (map[*Collection][]int64, error)
	// UploadTypes returns the filename and MIME type of each of the ids of
	// the upload collection c that is stored (regardless of access): the
	// upload type check reads no whole documents.
	UploadTypes(ctx context.Context, c *Collection, ids []int64) (map[int64]UploadType, error)
	// Lock returns the record with id if it matches f and locks its row
	// until the transaction ends, so a read-modify-write cannot lose a
	// concurrent change. Call it on the Store InTx passes.
	Lock(ctx context.Context, c *Collection, id int64, f Filter) (Record, error)
	// LockTable keeps other writers of c's table waiting until the
	// transaction ends (readers go on), so a find-then-create (the first
	// save of a global) cannot race another. Call it on the Store InTx
	// passes.
	LockTable(ctx context.Context, c *Collection) error
	Create(ctx context.Context, c *Collection, r Record) (Record, error)
	Update(ctx context.Context, c *Collection, r Record) (Record, error)
	Delete(ctx context.Context, c *Collection, id int64) error
	// SetCredentials stores the credential columns of an auth collection's
	// row (CreateAccount, in its transaction).
	SetCredentials(ctx context.Context, c *Collection, id int64, cr Credentials) error
	// SetFiles writes the object index rows of files (stored by the upload
	// kind's service) for document id of the upload collection c with
	// their metadata, deletes the rows of id's other objects and returns
	// those objects' names. A file whose row belongs to another document
	// fails it. Call it on the Store InTx passes.
	SetFiles(ctx context.Context, c *Collection, id int64, files []File) ([]string, error)

	// CreateVersion stores v as the latest version of its parent and prunes
	// versions beyond keep (0 keeps all). It locks the parent's row first,
	// so concurrent saves leave exactly one latest version.
	CreateVersion(ctx context.Context, c *Collection, v Version, keep int) (Version, error)
	// UpdateVersioned is Update of r, then CreateVersion of v (r's data) as
	// its latest version: a store may write both in one statement. The
	// service's update path calls it with r's row locked (Lock).
	UpdateVersioned(ctx context.Context, c *Collection, r Record, v Version, keep int) (Record, Version, error)
	FindVersions(ctx context.Context, c *Collection, q Find) ([]Version, int64, error)
	GetVersion(ctx context.Context, c *Collection, id int64) (Version, error)
	// UpdateVersion overwrites version v.ID's status, data, autosave flag
	// and updatedAt (an autosave coalescing into the version before it).
	UpdateVersion(ctx context.Context, c *Collection, v Version) (Version, error)
	// LatestVersion returns parent's newest version. After Lock of
	// parent in the same transaction, a version holding the row's own
	// document may share the maps of the Record Lock returned (decoded
	// once): the caller owns both as one.
	LatestVersion(ctx context.Context, c *Collection, parent int64) (Version, error)
	// LatestVersions returns the latest version of each parent that has one,
	// in one query.
	LatestVersions(ctx context.Context, c *Collection, parents []int64) (map[int64]Version, error)
	DeleteVersions(ctx context.Context, c *Collection, parent int64) error

	// InTx runs fn in one transaction; the Store passed to fn is bound to it.
	InTx(ctx context.Context, fn func(tx Store) error) error
}
