package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// access answers GET /api/access with the caller's permissions.
func (a *API) access(c *gin.Context) {
	a.json(c, http.StatusOK, a.content.Registry().Permissions(caller(c).Actor))
}
