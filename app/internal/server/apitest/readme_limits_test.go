package apitest

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/contract"
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/content"
	"github.com/automatonic/chronos/app/internal/httpapi"
	"github.com/automatonic/chronos/app/internal/media"
	"github.com/automatonic/chronos/app/internal/query"
	"github.com/automatonic/chronos/app/internal/richtext"
	"github.com/automatonic/chronos/app/internal/store"
)

// TestLimitsTableMatchesTheCode: the README's "Limits" table has a row for
// every exported cap and every configurable one, and the row states the
// value the code has, so neither can change without the other.
func TestLimitsTableMatchesTheCode(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(raw)
	start := strings.Index(readme, "\n## Limits\n")
	if start < 0 {
		t.Fatal(`README has no "## Limits" section`)
	}
	section := readme[start+1:]
	if end := strings.Index(section[3:], "\n## "); end >= 0 {
		section = section[:end+3]
	}
	var rows []string
	for _, l := range strings.Split(section, "\n") {
		if strings.HasPrefix(l, "| ") {
			rows = append(rows, l)
		}
	}
	rl := auth.DefaultLoginRateLimit()
	caps := []struct{ name, value string }{
		{"`query.MaxValues`", strconv.Itoa(query.MaxValues)},
		{"`query.MaxConditions`", strconv.Itoa(query.MaxConditions)},
		{"`query.MaxLikeWords`", strconv.Itoa(query.MaxLikeWords)},
		{"`query.MaxValueBytes`", strconv.Itoa(query.MaxValueBytes)},
		{"`store.MaxBindParams`", strconv.Itoa(store.MaxBindParams)},
		{"`query.MaxParams`", fmt.Sprintf("%d / %d / %d", query.MaxParams, query.MaxDepth, query.MaxArrayIndex)},
		{"`httpapi.MaxOverrideBytes`", size(httpapi.MaxOverrideBytes)},
		{"`content.MaxPageDocs`", strconv.Itoa(content.MaxPageDocs)},
		{"`content.MaxDepth`", strconv.Itoa(content.MaxDepth)},
		{"`richtext.MaxBytes`", fmt.Sprintf("%s / %d / %s", size(richtext.MaxBytes), richtext.MaxDepth, grouped(richtext.MaxNodes))},
		{"`content.DefaultMaxVersions`", strconv.Itoa(content.DefaultMaxVersions)},
		{"`content.LockDuration`", fmt.Sprintf("%d min", int(content.LockDuration.Minutes()))},
		{"`auth.DefaultLoginRateLimit`", fmt.Sprintf("bursts of %d, then one per %d s; %s IPs", int(rl.Capacity), int(rl.Per.Seconds()), grouped(rl.MaxKeys))},
		{"`auth.PasswordMaxBytes`", fmt.Sprintf("at most %d bytes", auth.PasswordMaxBytes)},
		{"`auth.MaxEmailLength`", fmt.Sprintf("%d bytes", auth.MaxEmailLength)},
		{"`media.DefaultMaxPixels`", fmt.Sprintf("%s / %s", grouped(media.DefaultMaxPixels), size(media.DefaultMaxEncodedBytes))},
		{"`media.MaxStemBytes`", fmt.Sprintf("%d bytes", media.MaxStemBytes)},
	}
	// Every configurable cap: its env name and its default.
	for _, v := range contract.Vars() {
		var value string
		switch v.Name {
		case contract.CMSDBMaxConns, contract.CMSLoginMaxAttempt, contract.CMSImageWorkers:
			value = v.Default
		case contract.CMSUploadMaxBytes, contract.CMSCacheBytes:
			n, err := strconv.ParseInt(v.Default, 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			value = size(n)
		case contract.CMSLockoutDuration:
			value = strings.TrimSuffix(v.Default, "m") + " min"
		case contract.CMSPasswordMinLen:
			value = "at least " + v.Default + " characters"
		default:
			continue
		}
		caps = append(caps, struct{ name, value string }{"`" + v.Name + "`", value})
	}
	for _, c := range caps {
		found := false
		for _, r := range rows {
			if strings.Contains(r, c.name) {
				found = true
				if !strings.Contains(r, c.value) {
					t.Errorf("README Limits row of %s does not say %q:\n%s", c.name, c.value, r)
				}
			}
		}
		if !found {
			t.Errorf("README Limits table has no row naming %s (%s)", c.name, c.value)
		}
	}
}

// size writes a byte count as the README does: 128 KiB, 2 MiB.
func size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return strconv.FormatInt(n, 10)
}

// grouped writes 50000 as 50,000.
func grouped[N ~int | ~int64](n N) string {
	s := strconv.FormatInt(int64(n), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
