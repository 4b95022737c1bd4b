package content

import "context"

// saveDraft stores a draft as a new version, except that an autosave
// following an autosave overwrites it (Payload's saveVersion): the versions
// list keeps one entry per burst of autosaves, and the next manual save
// starts a new one. latest is the document's latest version (zero: none).
func (s *Service) saveDraft(ctx context.Context, c *Collection, latest, v Version, autosave bool) (Version, error) {
	v.Autosave = autosave
	if autosave && latest.ID != 0 && latest.Autosave && latest.Status == StatusDraft {
		v.ID, v.CreatedAt = latest.ID, latest.CreatedAt
		return s.store.UpdateVersion(ctx, c, v)
	}
	return s.store.CreateVersion(ctx, c, v, c.MaxVersions)
}
