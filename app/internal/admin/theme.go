package admin

import (
	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/gin-gonic/gin"
)

// The admin's theme is a preference of each user (auth.PreferenceStore,
// Payload's payload-preferences): auto follows the device, light and dark
// are fixed. The server writes the stored choice on <html data-theme>, so
// the first paint already has it: no script, no flash, nothing inline.

// themePref is the preference's name.
const themePref = "admin.theme"

// Themes, as offered on the account page.
const (
	ThemeAuto  = "auto"
	ThemeLight = "light"
	ThemeDark  = "dark"
)

// themeOf returns the signed-in user's fixed theme, or "" for auto (also
// when it cannot be read: the page still renders, following the device).
func (a *Admin) themeOf(c *gin.Context, p *auth.Principal) string {
	if p == nil {
		return ""
	}
	t, err := a.auth.Preference(c.Request.Context(), p, themePref)
	if err != nil {
		a.log.WarnContext(c.Request.Context(), "admin: read theme", "err", err)
		return ""
	}
	if t == ThemeLight || t == ThemeDark {
		return t
	}
	return ""
}

// setTheme stores the account page's theme choice.
func (a *Admin) setTheme(c *gin.Context, p *auth.Principal) bool {
	t := c.PostForm("theme")
	if t != ThemeAuto && t != ThemeLight && t != ThemeDark {
		a.flash(c, "error", "Choose auto, light or dark.")
		return false
	}
	if err := a.auth.SetPreference(c.Request.Context(), p, themePref, t); err != nil {
		a.log.ErrorContext(c.Request.Context(), "admin: store theme", "err", err)
		a.flash(c, "error", "The theme could not be saved.")
		return false
	}
	a.flash(c, "success", "Theme saved.")
	return true
}
