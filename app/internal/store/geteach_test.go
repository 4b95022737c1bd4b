package store

import (
	"bytes"
	"cmp"
	"context"
	"reflect"
	"slices"
	"strconv"
	"testing"

	"github.com/automatonic/chronos/app/collections"
	"github.com/automatonic/chronos/app/internal/content"
)

// TestGetEachIsEachGet: GetEach answers each of its gets what GetMany (or
// GetManyText, for a Text get) answers it alone — several collections,
// access filters, ids that are missing or repeated, an empty get, gets
// over getManyChunk ids whose bind parameters take more than one
// statement — outside and inside a transaction. Both dialects.
func TestGetEachIsEachGet(t *testing.T) {
	ctx := context.Background()
	admin := &content.Actor{ID: 1, Roles: []string{content.RoleAdmin}}
	for name, db := range openBoth(t) {
		t.Run(name, func(t *testing.T) {
			svc := newService(db)
			reg := svc.Registry()
			media, _ := reg.Get(collections.MediaSlug)
			pages, _ := reg.Get(collections.PagesSlug)
			users, _ := reg.Get(collections.UsersSlug)
			mk := func(slug string, in map[string]any, opts content.WriteOptions) int64 {
				t.Helper()
				res, err := svc.Create(ctx, admin, slug, in, opts)
				if err != nil {
					t.Fatalf("create %s: %v", slug, err)
				}
				return res.Doc["id"].(int64)
			}
			var mediaIDs, pageIDs []int64
			for i := range 3 {
				alt := "img " + strconv.Itoa(i)
				mediaIDs = append(mediaIDs, mk(collections.MediaSlug, map[string]any{"alt": alt}, content.WriteOptions{Attachment: imageFile(alt)}))
			}
			for i, status := range []string{"published", "draft", "published"} {
				pageIDs = append(pageIDs, mk(collections.PagesSlug, map[string]any{"title": "P" + strconv.Itoa(i), "_status": status,
					"heroImage": mediaIDs[i], "content": plainRichText(t, "words "+strconv.Itoa(i))}, content.WriteOptions{Draft: status == "draft"}))
			}
			user, err := svc.CreateAccount(ctx, nil, content.NewAccount{Input: map[string]any{"email": "geteach@example.com", "name": "Get Each", "roles": []any{"admin"}},
				Credentials: content.Credentials{Hash: "secret-hash"}}, content.WriteOptions{})
			if err != nil {
				t.Fatal(err)
			}
			published, err := reg.CompileWhere(pages, mustParse(t, "where[_status][equals]=published").Where, nil)
			if err != nil {
				t.Fatal(err)
			}
			// Many missing ids first, so the stored ones come in a later
			// part of the get and a later statement of the call.
			many := func(stored []int64) []int64 {
				ids := make([]int64, 0, 2*getManyChunk+300+len(stored))
				for i := range int64(2*getManyChunk + 300) {
					ids = append(ids, 1_000_000+i)
				}
				return append(ids, stored...)
			}
			gets := []content.Get{
				{C: pages, IDs: []int64{pageIDs[0], pageIDs[1], pageIDs[2], pageIDs[0], 999_999}, Filter: published, Text: true},
				{C: media, IDs: mediaIDs},
				{C: users, IDs: nil},
				{C: users, IDs: []int64{user.Doc["id"].(int64)}, Text: true},
				{C: pages, IDs: many(pageIDs)},
				{C: media, IDs: many(mediaIDs[1:]), Text: true},
				{C: pages, IDs: many(pageIDs), Filter: published},
			}
			n := 0
			for _, g := range gets {
				n += len(g.IDs)
			}
			if n <= getEachArgs {
				t.Fatalf("the gets' %d ids fit one statement of %d parameters: the test does not cover a second one", n, getEachArgs)
			}
			sameAsEachGet(t, ctx, db.Content(), gets)
			err = db.Content().InTx(ctx, func(tx content.Store) error {
				sameAsEachGet(t, ctx, tx, gets)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// sameAsEachGet runs gets through st.GetEach and checks every get's
// records against GetMany or GetManyText of the same get.
func sameAsEachGet(t *testing.T, ctx context.Context, st content.Store, gets []content.Get) {
	t.Helper()
	got, err := st.GetEach(ctx, gets)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(gets) {
		t.Fatalf("%d answers to %d gets", len(got), len(gets))
	}
	found := 0
	for i, g := range gets {
		get := st.GetMany
		if g.Text {
			get = st.GetManyText
		}
		want, err := get(ctx, g.C, g.IDs, g.Filter)
		if err != nil {
			t.Fatal(err)
		}
		byID := func(a, b content.Record) int { return cmp.Compare(a.ID, b.ID) }
		slices.SortFunc(want, byID)
		slices.SortFunc(got[i], byID)
		if len(got[i]) != len(want) {
			t.Fatalf("get %d (%s): %d records, GetMany %d", i, g.C.Slug, len(got[i]), len(want))
		}
		for j, w := range want {
			r := got[i][j]
			if r.ID != w.ID || !r.CreatedAt.Equal(w.CreatedAt) || !r.UpdatedAt.Equal(w.UpdatedAt) || r.Status != w.Status ||
				!bytes.Equal(r.Raw, w.Raw) || !reflect.DeepEqual(r.Data, w.Data) || (r.Raw == nil) == (r.Data == nil) {
				t.Fatalf("get %d (%s) record %d:\n GetEach %+v\n GetMany %+v", i, g.C.Slug, w.ID, r, w)
			}
		}
		found += len(want)
	}
	// The fixture's stored documents, as the filters let them through.
	if found != 2+3+0+1+3+2+2 {
		t.Fatalf("%d records in all", found)
	}
}
