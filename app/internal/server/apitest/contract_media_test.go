package apitest

import "testing"

// TestContractMedia replays every fixture, the media upload and file ones
// (290–430) included, through the real POST /api/media and
// GET /api/media/file/… endpoints.
func TestContractMedia(t *testing.T) {
	fixtures := loadFixtures(t)
	forEachDialect(t, func(t *testing.T, dialect string) {
		replayContract(t, dialect, fixtures, true)
	})
}
