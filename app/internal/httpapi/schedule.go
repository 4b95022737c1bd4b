package httpapi

import (
	"net/http"
	"strconv"

	"github.com/automatonic/chronos/app/internal/content"
	"github.com/gin-gonic/gin"
)

func jobDoc(j content.Job) map[string]any {
	d := map[string]any{
		"id": j.ID, "collection": j.Collection, "doc": j.DocID, "action": j.Action,
		"at": content.FormatTime(j.RunAt), "createdAt": content.FormatTime(j.CreatedAt), "doneAt": nil, "error": nil,
	}
	if !j.DoneAt.IsZero() {
		d["doneAt"] = content.FormatTime(j.DoneAt)
	}
	if j.Error != "" {
		d["error"] = j.Error
	}
	return d
}

// registerSchedule mounts scheduled publishing (an extension of Payload's
// API): POST {action: publish|unpublish, at: ISO date}, GET lists, DELETE
// cancels a pending job.
func (a *API) registerSchedule(g *gin.RouterGroup, slug string) {
	base := "/" + slug + "/:id/schedule"
	g.POST(base, a.handle(func(c *gin.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		in, err := a.readBody(c)
		if err != nil {
			return err
		}
		var at = str(in, "at")
		t, err := content.ParseDate(at)
		if err != nil && at != "" {
			return &content.ValidationError{Collection: slug, ID: id, Errors: []content.FieldError{{Path: "at", Label: "At", Message: "\"" + at + "\" is not a valid date."}}}
		}
		j, err := a.content.Schedule(c.Request.Context(), caller(c).Actor, slug, id, str(in, "action"), t)
		if err != nil {
			return err
		}
		a.json(c, http.StatusCreated, map[string]any{"doc": jobDoc(j), "message": "Scheduled successfully."})
		return nil
	}))
	g.GET(base, a.handle(func(c *gin.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		jobs, err := a.content.Jobs(c.Request.Context(), caller(c).Actor, slug, id)
		if err != nil {
			return err
		}
		docs := make([]map[string]any, 0, len(jobs))
		for _, j := range jobs {
			docs = append(docs, jobDoc(j))
		}
		a.json(c, http.StatusOK, map[string]any{"docs": docs})
		return nil
	}))
	g.DELETE(base+"/:job", a.handle(func(c *gin.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		jobID, err := strconv.ParseInt(c.Param("job"), 10, 64)
		if err != nil {
			return content.ErrNotFound
		}
		if err := a.content.CancelJob(c.Request.Context(), caller(c).Actor, slug, id, jobID); err != nil {
			return err
		}
		a.json(c, http.StatusOK, map[string]string{"message": "Deleted successfully."})
		return nil
	}))
}
