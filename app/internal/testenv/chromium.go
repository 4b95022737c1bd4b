package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// ChromiumFlags returns the flags a headless Chromium needs on this kind of
// machine: it runs as root (no sandbox), has no GPU, and its background
// connections to Google are refused by the closed network.
func ChromiumFlags() []string {
	return []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
	}
}

// Chromium returns the path of a Chromium binary: /usr/bin/chromium, else
// chromium, chromium-browser or google-chrome on PATH.
func Chromium(t testing.TB) string {
	t.Helper()
	if fi, err := os.Stat("/usr/bin/chromium"); err == nil && !fi.IsDir() {
		return "/usr/bin/chromium"
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	missing(t, "chromium", "apt-get install -y chromium")
	return ""
}
