package httpapi

import (
	"github.com/gin-gonic/gin"
)

// Uploads serves the upload collection's file endpoints (media).
type Uploads interface {
	// Create handles POST /api/media (multipart).
	Create(c *gin.Context)
	// Update handles PATCH /api/media/:id (multipart replaces the file, JSON
	// updates fields).
	Update(c *gin.Context)
	// File handles GET /api/media/file/:filename.
	File(c *gin.Context)
}

func (a *API) registerUploads(g *gin.RouterGroup) {}
