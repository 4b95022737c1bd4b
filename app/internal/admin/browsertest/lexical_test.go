package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/automatonic/chronos/app/internal/auth"
	"github.com/automatonic/chronos/app/internal/testenv"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// editorDir holds the editor's source, lock file and node_modules.
const editorDir = "../editor"

// apiClient calls the REST API as the admin (Bearer JWT).
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func login(t *testing.T, base string) *apiClient {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": adminEmail, "password": adminPassword})
	resp, err := http.Post(base+"/api/users/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	if err := decodeJSON(resp.Body, &out); err != nil || out.Token == "" {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	return &apiClient{t: t, base: base, token: out.Token}
}

func (c *apiClient) do(method, path, ctype string, body io.Reader) map[string]any {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, body)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil || resp.StatusCode >= 300 {
		c.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
	}
	return out
}

// upload stores a PNG in media and returns its id.
func (c *apiClient) upload(name string) int {
	c.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_payload", `{"alt":"Inline picture"}`)
	f, _ := w.CreateFormFile("file", name)
	png, err := os.ReadFile(writePNG(c.t, c.t.TempDir(), name, color.RGBA{R: 90}))
	if err != nil {
		c.t.Fatal(err)
	}
	_, _ = f.Write(png)
	_ = w.Close()
	doc := c.do(http.MethodPost, "/api/media", w.FormDataContentType(), &buf)["doc"].(map[string]any)
	return int(doc["id"].(float64))
}

// lexicalJSON is the Lexical serialiser's view of the stored state, from
// editor/headless.mjs (@lexical/headless in Node with the admin's nodes).
type lexicalJSON struct {
	Canonical map[string]any `json:"canonical"`
	Expected  map[string]any `json:"expected"`
}

func headless(t *testing.T, stored any, pageID, mediaID int) lexicalJSON {
	t.Helper()
	dir, _ := filepath.Abs(editorDir)
	testenv.NPMInstall(t, dir)
	in, _ := json.Marshal(map[string]any{"stored": stored, "pageID": pageID, "mediaID": mediaID})
	cmd := exec.Command(testenv.Node(t), "headless.mjs")
	cmd.Dir = dir
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node headless.mjs: %v\n%s", err, stderr.String())
	}
	var l lexicalJSON
	if err := json.Unmarshal(out, &l); err != nil {
		t.Fatalf("headless output: %v: %s", err, out)
	}
	return l
}

var objectIDRe = regexp.MustCompile(`^[0-9a-f]{24}$`)

// withoutIDs returns a copy of a Lexical tree without what two editors
// cannot agree on: each link's and upload's random ObjectId (checked for
// its form here).
func withoutIDs(t *testing.T, v any) any {
	t.Helper()
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			switch {
			case k == "id" && (x["type"] == "link" || x["type"] == "upload"):
				if s, _ := e.(string); !objectIDRe.MatchString(s) {
					t.Errorf("%s node id %v is not an ObjectId", x["type"], e)
				}
			default:
				out[k] = withoutIDs(t, e)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = withoutIDs(t, e)
		}
		return out
	}
	return v
}

func pretty(v any) string { b, _ := json.MarshalIndent(v, "", " "); return string(b) }

// typeText types s into the focused element; "\r" presses Enter once
// (chromedp's own "\r" sends keyDown with text and a char event, which an
// editor sees as two Enters).
func typeText(s string) step {
	var steps []step
	for i, part := range strings.Split(s, "\r") {
		if i > 0 {
			steps = append(steps, enterKey())
		}
		if part != "" {
			steps = append(steps, chromedp.KeyEvent(part))
		}
	}
	return chromedp.Steps(steps...)
}

func enterKey() step {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
		if _, err := chromedp.Call(ctx, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: "Enter", Code: "Enter", WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13}
		_, err := chromedp.Call(ctx, input.DispatchKeyEvent, up)
		return err
	})
}

func shiftKey(k string) step {
	return chromedp.KeyEvent(k, chromedp.KeyModifiers(chromedp.ModifierShift))
}

// TestLexicalEditor types every node kind the admin's Lexical editor makes
// (paragraph with bold text, h1–h3, a bulleted list with a nested list, a
// numbered list, a quote, an external and an internal link, an upload),
// uses undo and redo, saves, and compares the stored JSON with Lexical's own
// serialiser (@lexical/headless): the stored state re-serialises unchanged
// and equals the same document built with Lexical's API. Reloading shows
// the lists again (the old editor flattened typed lists into a paragraph)
// and saving again without edits changes nothing. Pasted Word and Google
// Docs HTML is cleaned to the allowed nodes.
func TestLexicalEditor(t *testing.T) {
	srv := startCMS(t, nil)
	if _, err := srv.App.Auth().FirstRegister(context.Background(), auth.Registration{Email: adminEmail, Password: adminPassword}); err != nil {
		t.Fatal(err)
	}
	u := srv.URL
	api := login(t, u)
	mediaID := api.upload("inline.png")
	about := api.do(http.MethodPost, "/api/pages", "application/json", strings.NewReader(`{"title":"About us","slug":"about-us"}`))["doc"].(map[string]any)
	aboutID := int(about["id"].(float64))

	b := newBrowser(t, u, 1280, 900)
	signIn(t, b, u, adminEmail, adminPassword)
	rte := `[data-rte-for="f-content"]`
	body := rte + ` .rte-body`
	// A toolbar button, scrolled to the middle first: a click scrolled only
	// to the top of the window would land on the sticky top bar.
	tool := func(cmd string) step {
		sel := rte + ` [data-cmd="` + cmd + `"]`
		return chromedp.Steps(eval(`document.querySelector('`+sel+`').scrollIntoView({block:"center"})`), click(sel))
	}
	typ := typeText
	b.run(t, "new page", chromedp.Navigate(u+"/admin/collections/pages/create"), visible(`#f-title`),
		keys(`#f-title`, "Every node"), visible(body))
	if hidden := get(t, b, "textarea enhanced", chromedp.Evaluate[bool](`document.querySelector('#f-content').classList.contains('enhanced')`)); !hidden {
		t.Fatal("the content textarea was not replaced by the editor")
	}

	b.run(t, "paragraph with bold", click(body), typ("Intro with "), tool("bold"), typ("bold"), tool("bold"), typ(" text.\r"))
	b.run(t, "headings",
		tool("h1"), typ("Heading one\r"), tool("h2"), typ("Heading two\r"), tool("h3"), typ("Heading three\r"))
	b.run(t, "nested bulleted list",
		tool("bullet"), typ("First bullet\r"), chromedp.KeyEvent(kb.Tab), typ("Nested bullet\r"),
		shiftKey(kb.Tab), typ("Second bullet\r\r"))
	b.run(t, "numbered list", tool("number"), typ("Step one\rStep two\r\r"))
	b.run(t, "quote", tool("quote"), typ("A wise quote\r"))
	b.run(t, "external link", typ("Read the docs"),
		shiftKey(kb.ArrowLeft), shiftKey(kb.ArrowLeft), shiftKey(kb.ArrowLeft), shiftKey(kb.ArrowLeft),
		visible(rte+`[data-selected="4"]`), tool("link"), visible(rte+` [data-link-url]`),
		keys(rte+` [data-link-url]`, "https://example.com/docs"), click(rte+` [data-cmd="apply-link"]`),
		visible(body+` a[href="https://example.com/docs"]`), chromedp.KeyEvent(kb.End), typ("\r"))
	b.run(t, "internal link", typ("See "), tool("link"), visible(rte+` [data-link-type]`),
		setValue(rte+` [data-link-type]`, "internal:pages"),
		eval(`document.querySelector('`+rte+` [data-link-type]').dispatchEvent(new Event("change"))`),
		chromedp.WaitReady(chromedp.CSS(rte+` [data-link-page] option[value="`+fmt.Sprint(aboutID)+`"]`)),
		setValue(rte+` [data-link-page]`, fmt.Sprint(aboutID)),
		click(rte+` [data-link-newtab]`), click(rte+` [data-cmd="apply-link"]`),
		visible(body+fmt.Sprintf(` a[data-link-doc="pages:%d"][target="_blank"]`, aboutID)))
	// The image button opens the upload fields' media drawer (pickers.js),
	// limited to images; the chosen file becomes an upload node and the
	// focus goes back to the text.
	tile := fmt.Sprintf(`dialog.pk-drawer .pk-grid button[data-media-id="%d"]`, mediaID)
	b.run(t, "upload", tool("upload"), visible(tile))
	if acc := get(t, b, "drawer accepts", text(`dialog.pk-drawer .pk-accepts`)); acc != "This field accepts Images only." {
		t.Fatalf("the rich text image drawer says %q", acc)
	}
	for _, r := range b.apiRequests(u, "media") {
		if !strings.Contains(r, "[mimeType][like]=image%2F") && !strings.Contains(r, "[mimeType][like]=image/") {
			t.Fatalf("the rich text image drawer asked for more than images: %s", r)
		}
	}
	b.run(t, "pick the image", click(tile), chromedp.WaitNotPresent(`dialog.pk-drawer`),
		visible(body+fmt.Sprintf(` .rte-upload[data-upload="media:%d"] img[src]`, mediaID)))
	if focused := get(t, b, "focus back in the text", chromedp.Evaluate[bool](`document.activeElement === document.querySelector('`+body+`')`)); !focused {
		t.Fatal("after picking an image the focus is not back in the editor")
	}
	b.run(t, "type after the image", typ("After the image."))

	// Undo and redo: a heading made and undone (button and Ctrl+Z), redone.
	before := get(t, b, "state before h4", value(`#f-content`))
	b.run(t, "make h4", tool("h4"), visible(body+` h4`))
	withH4 := get(t, b, "state with h4", value(`#f-content`))
	b.run(t, "undo", tool("undo"), chromedp.WaitNotPresent(body+` h4`))
	if got := get(t, b, "state after undo", value(`#f-content`)); got != before {
		t.Fatalf("undo did not restore the state:\n%s\nwant\n%s", got, before)
	}
	b.run(t, "redo", tool("redo"), visible(body+` h4`))
	if got := get(t, b, "state after redo", value(`#f-content`)); got != withH4 {
		t.Fatalf("redo did not give the state back:\n%s\nwant\n%s", got, withH4)
	}
	b.run(t, "undo with Ctrl+Z", click(body+` h4`), chromedp.KeyEvent("z", chromedp.KeyModifiers(chromedp.ModifierCtrl)), chromedp.WaitNotPresent(body+` h4`))
	typed := get(t, b, "typed state", value(`#f-content`))

	b.run(t, "save draft", submit(`#save-draft`), visible(`#doc-status`))
	pageID := regexp.MustCompile(`/pages/(\d+)$`).FindStringSubmatch(get(t, b, "location", chromedp.Location()))
	if pageID == nil {
		t.Fatal("no page id after saving")
	}
	stored := api.do(http.MethodGet, "/api/pages/"+pageID[1]+"?draft=true&depth=0", "", nil)["content"]
	var sent any
	_ = json.Unmarshal([]byte(typed), &sent)
	if !reflect.DeepEqual(stored, sent) {
		t.Fatalf("stored rich text differs from what the editor posted:\n%s\nposted\n%s", pretty(stored), typed)
	}
	lex := headless(t, stored, aboutID, mediaID)
	if !reflect.DeepEqual(lex.Canonical, stored) {
		t.Errorf("Lexical re-serialises the stored state differently:\n%s\nstored\n%s", pretty(lex.Canonical), pretty(stored))
	}
	if got, want := withoutIDs(t, stored), withoutIDs(t, lex.Expected); !reflect.DeepEqual(got, want) {
		t.Errorf("stored state is not the document typed:\n%s\nLexical's API builds\n%s", pretty(got), pretty(want))
	}

	// Reload: the editor shows the lists as lists; saving without edits
	// keeps the stored JSON.
	b.run(t, "reload", chromedp.Reload(), visible(body+` ul li.rte-nested ul li`), visible(body+` ol li`),
		visible(body+` blockquote`), visible(body+` h1`), visible(body+` h3`),
		visible(body+fmt.Sprintf(` .rte-upload[data-upload="media:%d"]`, mediaID)))
	if n := get(t, b, "list items", chromedp.Evaluate[int](`document.querySelectorAll('`+body+` li').length`)); n != 6 {
		t.Errorf("reloaded editor shows %d list items, want 6", n)
	}
	b.run(t, "save again", submit(`#save-draft`), visible(`#doc-status`))
	again := api.do(http.MethodGet, "/api/pages/"+pageID[1]+"?draft=true&depth=0", "", nil)["content"]
	if !reflect.DeepEqual(again, stored) {
		t.Errorf("saving without edits changed the rich text:\n%s\nwas\n%s", pretty(again), pretty(stored))
	}

	// Paste from Word (list paragraphs with markers, Office tags, styles)
	// and from Google Docs (span styles inside a <b> wrapper).
	word := `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head><body>` +
		`<p class=MsoNormal style="margin-left:1in;text-align:center"><span style="font-family:Calibri;color:red">Word <b>bold</b> line</span><o:p></o:p></p>` +
		`<p class=MsoListParagraphCxSpFirst style="text-indent:-.25in;mso-list:l0 level1 lfo1"><![if !supportLists]><span style="mso-list:Ignore">·<span style="font:7.0pt">&nbsp;</span></span><![endif]>Apples<o:p></o:p></p>` +
		`<p class=MsoListParagraphCxSpMiddle style="mso-list:l0 level2 lfo1"><span style="mso-list:Ignore">o<span>&nbsp;</span></span>Green<o:p></o:p></p>` +
		`<p class=MsoListParagraphCxSpLast style="mso-list:l0 level1 lfo1"><span style="mso-list:Ignore">·<span>&nbsp;</span></span>Pears<o:p></o:p></p>` +
		`<p class=MsoNormal><img src="file:///C:/tmp/image001.png">After<o:p></o:p></p></body></html>`
	docs := `<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1"><p dir="ltr" style="line-height:1.38"><span style="font-size:11pt;font-weight:700;color:#000000">Docs bold</span><span style="font-size:11pt;font-style:italic"> and italic</span></p>` +
		`<ol><li dir="ltr" style="list-style-type:decimal"><p dir="ltr"><span style="font-size:11pt">One</span></p></li></ol></b>`
	paste := func(html string) step {
		h, _ := json.Marshal(html)
		return eval(`(function(){var dt=new DataTransfer();dt.setData("text/html",` + string(h) + `);dt.setData("text/plain","x");` +
			`document.querySelector('` + body + `').dispatchEvent(new ClipboardEvent("paste",{clipboardData:dt,bubbles:true,cancelable:true}));})()`)
	}
	b.run(t, "paste page", chromedp.Navigate(u+"/admin/collections/pages/create"), visible(body), keys(`#f-title`, "Pasted"),
		click(body), paste(word), visible(body+` ul li.rte-nested ul li`), chromedp.KeyEvent(kb.End), typ("\r"), paste(docs), visible(body+` ol li`))
	pasted := get(t, b, "pasted state", value(`#f-content`))
	for _, bad := range []string{"mso", "Calibri", "color", "font-", "image001", "MsoNormal", "o:p", "·", `"indent":1,"type":"paragraph"`} {
		if strings.Contains(pasted, bad) {
			t.Errorf("pasted rich text keeps %q: %s", bad, pasted)
		}
	}
	var p struct {
		Root struct {
			Children []map[string]any `json:"children"`
		} `json:"root"`
	}
	_ = json.Unmarshal([]byte(pasted), &p)
	var types []string
	for _, c := range p.Root.Children {
		types = append(types, fmt.Sprint(c["type"], ":", c["listType"]))
	}
	if got := strings.Join(types, " "); !strings.HasPrefix(got, "paragraph:<nil> list:bullet paragraph:<nil> paragraph:<nil> list:number") {
		t.Errorf("pasted blocks: %s\n%s", got, pasted)
	}
	for _, want := range []string{`"text":"Apples"`, `"text":"Green"`, `"text":"Pears"`, `"text":"Docs bold","type":"text"`, `"format":1,"mode":"normal","style":"","text":"Docs bold"`,
		`"format":2,"mode":"normal","style":"","text":" and italic"`, `"text":"One"`, `"format":1,"mode":"normal","style":"","text":"bold"`} {
		if !strings.Contains(pasted, want) {
			t.Errorf("pasted rich text lacks %s: %s", want, pasted)
		}
	}
	b.run(t, "save pasted", submit(`#save-draft`), visible(`#doc-status`))
	b.check(t, "end")
}
