package admin_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestRowOpsWithoutJavaScript posts the layout buttons as a browser without
// JavaScript does: a duplicate copies a block with its nested rows and no
// row ids; a link added inside the fourth block (rows beyond three are
// shown collapsed) is shown open, inside its open block; the page carries
// the row templates blocks.js copies, which post nothing themselves.
func TestRowOpsWithoutJavaScript(t *testing.T) {
	s := newSite(t)
	s.signIn(t)
	csrf := s.token(t, "/admin/collections/pages/create")
	form := url.Values{"_csrf": {csrf}, "title": {"Rows"}, "layout": {""},
		"layout.0.blockType": {"hero"}, "layout.0.id": {"abc"}, "layout.0.heading": {"Top"},
		"layout.0.links": {""}, "layout.0.links.0.id": {"l1"}, "layout.0.links.0.label": {"Docs"}, "layout.0.links.0.url": {"/docs"},
		"_op": {"dup:layout.0"}}
	resp, body := s.post(t, "/admin/collections/pages/create", form)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("dup: %d", resp.StatusCode)
	}
	for _, want := range []string{`name="layout.1.heading" value="Top"`, `name="layout.1.links.0.url" value="/docs"`,
		`name="layout.1.id" value=""`, `name="layout.1.links.0.id" value=""`, `name="layout.0.id" value="abc"`, `data-focus="layout.1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("after dup: no %s", want)
		}
	}

	// Four blocks: the last is collapsed until a link is added inside it.
	form = url.Values{"_csrf": {csrf}, "title": {"Rows"}, "layout": {""}}
	for i, bt := range []string{"content", "content", "content", "hero"} {
		p := "layout." + string(rune('0'+i))
		form.Set(p+".blockType", bt)
		form.Set(p+".id", "")
	}
	form.Set("_op", "add:layout.3.links")
	_, body = s.post(t, "/admin/collections/pages/create", form)
	open := regexp.MustCompile(`<li class="row [^"]*" data-row="(layout\.[0-9.a-z]+)"[^>]*>\s*<details\s*(open)?`)
	got := map[string]bool{}
	for _, m := range open.FindAllStringSubmatch(body, -1) {
		got[m[1]] = m[2] == "open"
	}
	if got["layout.0"] || !got["layout.3"] || !got["layout.3.links.0"] {
		t.Errorf("open rows after adding a link to the fourth block: %v", got)
	}
	// One template per list and block type; a template's inputs are not
	// form fields (they would post as __ROW__ otherwise).
	for _, want := range []string{`<template data-row-template="layout" data-block="hero">`, `<template data-row-template="layout.hero.links" data-block="">`,
		`<template data-row-template="layout.features.items" data-block="">`, `name="__ROW__.subheading"`} {
		if strings.Count(body, want) != 1 {
			t.Errorf("%d × %s", strings.Count(body, want), want)
		}
	}
}
