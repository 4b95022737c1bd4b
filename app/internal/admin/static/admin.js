// Chronos admin enhancements. Every page works without this file; it adds
// the rich text editor, media pickers, upload progress, drag-and-drop, the
// focal point picker and small conveniences. No dependencies, no build.
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");
  // The upload collection's slug, from the registry (set on <html> by the
  // layout): the media library's API and admin URLs derive from it.
  var UPLOADS = doc.documentElement.getAttribute("data-uploads") || "";
  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function el(tag, attrs, kids) {
    var e = doc.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") e.textContent = attrs[k];
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), attrs[k]);
      else e.setAttribute(k, attrs[k]);
    });
    (kids || []).forEach(function (c) { e.appendChild(typeof c === "string" ? doc.createTextNode(c) : c); });
    return e;
  }

  doc.addEventListener("DOMContentLoaded", function () {
    $$(".js-only").forEach(function (e) { e.hidden = false; });
    slugs(); seo(); $$("textarea[data-richtext]").forEach(richText);
    pickers(); uploader(); focal(); selectAll(); focusRow(); fallbacks();
    $$("fieldset[data-rows] > .row-list").forEach(dragRows);
    var summary = $("#error-summary"); if (summary) summary.focus();
    // Ctrl/Cmd+S saves (a draft, where there are drafts).
    var editor = $("#editor-form, #media-form");
    if (editor) doc.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === "s") {
        var save = $("#save-draft, #save", editor);
        if (save) { e.preventDefault(); save.click(); }
      }
    });
  });

  // ---- slug follows the title until edited by hand ----------------------
  function slugify(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 120);
  }
  function slugs() {
    var title = $("#f-title"), slug = $("#f-slug");
    if (!title || !slug) return;
    var auto = slug.value === "" || slug.value === slugify(title.value);
    slug.addEventListener("input", function () { auto = slug.value === ""; });
    title.addEventListener("input", function () { if (auto) { slug.value = slugify(title.value); slug.dispatchEvent(new Event("change")); } });
  }

  // ---- SEO counters and search preview ----------------------------------
  function seo() {
    $$("[data-counter-for]").forEach(function (out) {
      var input = doc.getElementById(out.getAttribute("data-counter-for"));
      var limit = +out.getAttribute("data-limit");
      if (!input) return;
      var update = function () {
        var n = input.value.length;
        out.textContent = n + " / " + limit + " characters" + (n > limit ? " — too long for search results" : "");
        out.classList.toggle("over", n > limit);
      };
      input.addEventListener("input", update); update();
    });
    var box = $("[data-seo]"); if (!box) return;
    var t = $("#f-meta-title"), d = $("#f-meta-description"), title = $("#f-title"), slug = $("#f-slug");
    var update = function () {
      $("[data-serp-title]").textContent = (t && t.value) || (title && title.value) || "Page title";
      $("[data-serp-desc]").textContent = (d && d.value) || "Add a meta description to control this text.";
      $("[data-serp-url]").textContent = "/" + ((slug && slug.value) || "");
    };
    [t, d, title, slug].forEach(function (i) { if (i) { i.addEventListener("input", update); i.addEventListener("change", update); } });
  }

  // ---- media library dialog ---------------------------------------------
  function mediaDialog(onPick) {
    var list = el("ul", { "class": "pick-grid" });
    var dlg = el("dialog", { "aria-label": "Choose media" }, [
      el("div", { "class": "page-head" }, [el("h2", { text: "Choose from the media library" }),
        el("button", { type: "button", "class": "btn btn-ghost", text: "Close", onclick: function () { dlg.close(); } })]),
      list]);
    doc.body.appendChild(dlg);
    dlg.addEventListener("close", function () { dlg.remove(); });
    dlg.showModal();
    list.appendChild(el("li", { text: "Loading…" }));
    fetch("/api/" + UPLOADS + "?limit=60&depth=0&sort=-createdAt", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (res) {
        list.textContent = "";
        (res.docs || []).forEach(function (m) {
          var src = m.thumbnailURL || m.url;
          var b = el("button", { type: "button", "data-media-id": m.id, onclick: function () { dlg.close(); onPick(m); } },
            [src && /^image\//.test(m.mimeType || "") ? el("img", { src: src, alt: "" }) : el("span", { "class": "tile-file", text: "📄" }),
              el("span", { "class": "tile-title", text: m.alt || m.filename || ("#" + m.id) })]);
          list.appendChild(el("li", {}, [b]));
        });
        if (!list.children.length) list.appendChild(el("li", { text: "No media yet. Upload files under Media." }));
        var first = $("button", list); if (first) first.focus();
      })
      .catch(function () { list.textContent = "Could not load the media library."; });
  }

  function pickers() {
    $$("[data-picker]").forEach(function (p) {
      var sel = $("select", p), img = $(".picker-thumb", p);
      var sync = function () {
        var o = sel.options[sel.selectedIndex], src = o && o.getAttribute("data-thumb");
        if (src) { if (img.tagName !== "IMG") { var i = el("img", { "class": "picker-thumb", alt: "" }); img.replaceWith(i); img = i; } img.src = src; }
        else if (img.tagName === "IMG") { var s = el("span", { "class": "picker-thumb picker-empty" }); img.replaceWith(s); img = s; }
      };
      sel.addEventListener("change", sync);
      p.appendChild(el("button", { type: "button", "class": "btn btn-small", text: "Browse…", onclick: function () {
        mediaDialog(function (m) {
          var v = String(m.id), found = false;
          Array.prototype.forEach.call(sel.options, function (o) { if (o.value === v) found = true; });
          if (!found) sel.appendChild(el("option", { value: v, "data-thumb": m.thumbnailURL || m.url || "", text: m.filename || v }));
          sel.value = v; sync(); sel.focus();
        });
      } }));
    });
  }

  // ---- upload with progress and drag-and-drop ---------------------------
  function uploader() {
    var form = $("[data-uploader]"); if (!form) return;
    var input = $("input[type=file]", form), zone = $("[data-dropzone]", form), list = $("[data-progress]", form), alt = $("#upload-alt", form);
    ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); }); });
    ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); }); });
    zone.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; alt.focus(); } });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var files = Array.prototype.slice.call(input.files || []);
      var err = $(".field-error", alt.parentNode); if (err) err.remove();
      if (!files.length) { input.focus(); return; }
      if (!alt.value.trim()) { alt.setAttribute("aria-invalid", "true"); alt.parentNode.appendChild(el("p", { "class": "field-error", role: "alert", text: "Alt text is required." })); alt.focus(); return; }
      list.textContent = "";
      var pending = files.length, ok = 0, direct = form.getAttribute("data-direct") === "true" ? null : false;
      files.forEach(function (f) {
        var bar = el("progress", { max: "100", value: "0", "aria-label": "Upload of " + f.name });
        var status = el("span", { text: "Waiting…" });
        var li = el("li", { "data-file": f.name }, [el("span", { text: f.name }), bar, status]);
        list.appendChild(li);
        var progress = function (ev) { if (ev.lengthComputable) { bar.value = Math.round(ev.loaded / ev.total * 100); status.textContent = bar.value + " %"; } };
        var done = function (xhr) {
          var body = {}; try { body = JSON.parse(xhr.responseText); } catch (x) { }
          if (xhr.status >= 200 && xhr.status < 300 && body.doc) {
            bar.value = 100; li.classList.add("done"); ok++;
            status.replaceWith(el("a", { href: "/admin/collections/" + UPLOADS + "/" + body.doc.id, "class": "done", text: "Done — edit" }));
          } else {
            li.classList.add("err"); status.className = "err";
            var e0 = (body.errors || [])[0] || {};
            var detail = ((e0.data && e0.data.errors) || []).map(function (x) { return x.message; }).join(" ");
            status.textContent = detail || e0.message || ("Failed (" + xhr.status + ")");
          }
          finish();
        };
        var failed = function () { li.classList.add("err"); status.className = "err"; status.textContent = "Network error"; finish(); };
        var viaServer = function () {
          var fd = new FormData();
          fd.append("_payload", JSON.stringify({ alt: alt.value.trim() }));
          fd.append("file", f);
          var xhr = new XMLHttpRequest();
          xhr.open("POST", "/api/" + UPLOADS);
          xhr.upload.addEventListener("progress", progress);
          xhr.addEventListener("load", function () { done(xhr); });
          xhr.addEventListener("error", failed);
          xhr.send(fd);
        };
        // With S3 configured the file goes straight to the bucket with a
        // presigned PUT, then the CMS finalises it; local disk answers 501
        // and the file streams through the CMS instead.
        if (direct === false) { viaServer(); return; }
        var pre = new XMLHttpRequest();
        pre.open("POST", "/api/" + UPLOADS + "/presign");
        pre.setRequestHeader("Content-Type", "application/json");
        pre.addEventListener("error", failed);
        pre.addEventListener("load", function () {
          var d = {}; try { d = JSON.parse(pre.responseText); } catch (x) { }
          if (pre.status !== 200 || !d.url || !d.token) { direct = false; viaServer(); return; }
          var put = new XMLHttpRequest();
          put.open(d.method || "PUT", d.url);
          Object.keys(d.headers || {}).forEach(function (h) { if (!/^host$/i.test(h)) put.setRequestHeader(h, d.headers[h]); });
          put.upload.addEventListener("progress", progress);
          // A bucket without CORS for this origin fails as a network
          // error: stream through the CMS instead.
          put.addEventListener("error", function () { direct = false; bar.value = 0; viaServer(); });
          put.addEventListener("load", function () {
            if (put.status >= 300) { li.classList.add("err"); status.className = "err"; status.textContent = "Upload to storage failed (" + put.status + ")"; finish(); return; }
            var fin = new XMLHttpRequest();
            fin.open("POST", "/api/" + UPLOADS);
            fin.setRequestHeader("Content-Type", "application/json");
            fin.addEventListener("load", function () { done(fin); });
            fin.addEventListener("error", failed);
            fin.send(JSON.stringify({ upload: d.token, alt: alt.value.trim() }));
          });
          put.send(f);
        });
        pre.send(JSON.stringify({ filename: f.name, mimeType: f.type || "application/octet-stream", filesize: f.size }));
      });
      function finish() {
        if (--pending > 0) return;
        list.appendChild(el("li", { "class": "summary", "data-upload-summary": ok + "/" + files.length }, [
          el("span", { text: ok + " of " + files.length + " uploaded." }),
          el("a", { href: "/admin/collections/" + UPLOADS, id: "uploads-refresh", text: "Show in library" })]));
        input.value = "";
      }
    });
  }

  // ---- focal point ------------------------------------------------------
  function focal() {
    var box = $("[data-focal]"); if (!box) return;
    var img = $("img", box), dot = $(".focal-dot", box), fx = $("#f-focalX"), fy = $("#f-focalY");
    if (!fx || !fy) return;
    var place = function () {
      var x = parseFloat(fx.value), y = parseFloat(fy.value);
      if (isNaN(x) || isNaN(y)) { dot.hidden = true; return; }
      dot.hidden = false; dot.style.left = Math.min(100, Math.max(0, x)) + "%"; dot.style.top = Math.min(100, Math.max(0, y)) + "%";
    };
    img.addEventListener("click", function (e) {
      var r = img.getBoundingClientRect();
      fx.value = Math.round((e.clientX - r.left) / r.width * 100);
      fy.value = Math.round((e.clientY - r.top) / r.height * 100);
      place();
    });
    fx.addEventListener("input", place); fy.addEventListener("input", place); place();
  }

  // A thumbnail that is not generated (yet) falls back to the original.
  function fallbacks() {
    $$("img[data-fallback]").forEach(function (img) {
      var swap = function () { if (img.src !== img.getAttribute("data-fallback")) img.src = img.getAttribute("data-fallback"); };
      img.addEventListener("error", swap);
      if (img.complete && img.naturalWidth === 0) swap();
    });
  }

  function selectAll() {
    $$(".select-all").forEach(function (box) {
      box.hidden = false;
      box.addEventListener("change", function () {
        $$("input[name=ids]", box.closest("form")).forEach(function (c) { c.checked = box.checked; });
      });
    });
  }

  function focusRow() {
    var form = $("form[data-focus]"); if (!form) return;
    var row = doc.getElementById("row-" + form.getAttribute("data-focus"));
    if (!row) return;
    row.scrollIntoView({ block: "center" });
    var first = $("details input:not([type=hidden]), details textarea, details select, .rte-body", row) || $("summary", row);
    if (first) first.focus();
  }

  // ---- drag-and-drop reordering of rows and blocks -----------------------
  // Rows are renumbered in place (input names are document paths), so the
  // server reads the new order; the ↑/↓ buttons remain for the keyboard.
  function dragRows(ol) {
    var dragged = null;
    Array.prototype.forEach.call(ol.children, function (li) {
      var tools = $(":scope > .row-tools", li); // not a nested row's
      var handle = el("button", { type: "button", "class": "btn btn-small drag-handle", title: "Drag to reorder", "aria-hidden": "true", tabindex: "-1", text: "⠿" });
      tools.insertBefore(handle, tools.firstChild);
      handle.addEventListener("mousedown", function () { li.draggable = true; });
      handle.addEventListener("mouseup", function () { li.draggable = false; });
      li.addEventListener("dragstart", function (e) {
        if (e.target !== li) return;
        dragged = li; li.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", li.getAttribute("data-row"));
      });
      li.addEventListener("dragend", function () {
        li.draggable = false; li.classList.remove("dragging");
        // The path is read now: moving an outer row renames this list too.
        if (dragged) { dragged = null; renumber(ol, ol.parentNode.getAttribute("data-rows")); }
      });
      li.addEventListener("dragover", function (e) {
        if (!dragged || dragged === li || dragged.parentNode !== ol) return;
        e.preventDefault();
        var r = li.getBoundingClientRect();
        ol.insertBefore(dragged, e.clientY < r.top + r.height / 2 ? li : li.nextSibling);
      });
      li.addEventListener("drop", function (e) { if (dragged) e.preventDefault(); });
    });
  }

  function renumber(ol, path) {
    var rows = Array.prototype.slice.call(ol.children);
    rows.forEach(function (li, i) {
      var old = li.getAttribute("data-row"), now = path + "." + i;
      if (old === now) return;
      var oldID = "f-" + old.replace(/\./g, "-"), newID = "f-" + now.replace(/\./g, "-");
      var swapPath = function (v) { return v === old ? now : (v.indexOf(old + ".") === 0 ? now + v.slice(old.length) : v); };
      var swapID = function (v) { return v === oldID ? newID : (v.indexOf(oldID + "-") === 0 ? newID + v.slice(oldID.length) : v); };
      var swapOp = function (v) {
        var parts = v.split(":"); if (parts.length > 1) parts[1] = swapPath(parts[1]); return parts.join(":");
      };
      [li].concat($$("*", li)).forEach(function (e) {
        ["name", "data-row", "data-rows", "data-path"].forEach(function (a) { if (e.hasAttribute(a)) e.setAttribute(a, swapPath(e.getAttribute(a))); });
        ["id", "for", "aria-describedby", "aria-labelledby", "data-rte-for", "data-counter-for"].forEach(function (a) {
          if (e.hasAttribute(a)) e.setAttribute(a, swapID(e.getAttribute(a)));
        });
        if (e.getAttribute("name") === "_op") e.value = swapOp(e.value);
      });
      li.id = "row-" + now;
    });
    rows.forEach(function (li, i) {
      var up = $(":scope > .row-tools button[value^='up:']", li), down = $(":scope > .row-tools button[value^='down:']", li);
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === rows.length - 1;
    });
  }

  // ---- rich text: contenteditable <-> Lexical JSON ------------------------
  var FMT = { bold: 1, italic: 2, strikethrough: 4, underline: 8, code: 16 };
  var TAGFMT = { STRONG: 1, B: 1, EM: 2, I: 2, S: 4, STRIKE: 4, DEL: 4, U: 8, CODE: 16, SUB: 32, SUP: 64 };

  function elementNode(type, children, extra) {
    var n = { type: type, children: children, direction: "ltr", format: "", indent: 0, version: 1 };
    Object.keys(extra || {}).forEach(function (k) { n[k] = extra[k]; });
    return n;
  }
  function textNode(text, format) { return { type: "text", text: text, format: format, detail: 0, mode: "normal", style: "", version: 1 }; }

  function inline(node, format, out, inLink) {
    Array.prototype.forEach.call(node.childNodes, function (c) {
      if (c.nodeType === 3) { if (c.nodeValue) out.push(textNode(c.nodeValue.replace(/\u00a0/g, " "), format)); return; }
      if (c.nodeType !== 1) return;
      if (c.tagName === "BR") { out.push({ type: "linebreak", version: 1 }); return; }
      if (c.tagName === "A" && !inLink) {
        var kids = []; inline(c, format, kids, true);
        out.push(elementNode("link", kids.length ? kids : [textNode(c.getAttribute("href") || "", format)],
          { version: 3, fields: { linkType: "custom", url: c.getAttribute("href") || "", newTab: c.getAttribute("target") === "_blank" } }));
        return;
      }
      if (c.hasAttribute && c.hasAttribute("data-media-id")) return;
      var f = format | (TAGFMT[c.tagName] || 0);
      if (c.style) {
        if (/bold|[6-9]00/.test(c.style.fontWeight)) f |= 1;
        if (c.style.fontStyle === "italic") f |= 2;
        if (/underline/.test(c.style.textDecoration)) f |= 8;
      }
      inline(c, f, out, inLink);
    });
    return out;
  }

  function blocks(root) {
    var out = [], loose = [];
    var flush = function () {
      if (!loose.length) return;
      var p = doc.createElement("p"); loose.forEach(function (n) { p.appendChild(n.cloneNode(true)); });
      var kids = inline(p, 0, []);
      if (kids.length) out.push(elementNode("paragraph", kids, { textFormat: 0, textStyle: "" }));
      loose = [];
    };
    Array.prototype.forEach.call(root.childNodes, function (c) {
      var tag = c.nodeType === 1 ? c.tagName : "";
      if (c.nodeType === 1 && c.hasAttribute("data-media-id")) {
        flush(); out.push({ type: "upload", relationTo: UPLOADS, value: +c.getAttribute("data-media-id"), fields: null, format: "", version: 3 }); return;
      }
      switch (tag) {
        case "P": case "DIV": flush(); out.push(elementNode("paragraph", inline(c, 0, []), { textFormat: 0, textStyle: "" })); return;
        case "H1": case "H2": case "H3": case "H4": case "H5": case "H6":
          flush(); out.push(elementNode("heading", inline(c, 0, []), { tag: tag.toLowerCase() })); return;
        case "BLOCKQUOTE": flush(); out.push(elementNode("quote", inline(c, 0, []))); return;
        case "UL": case "OL": flush(); out.push(list(c)); return;
        case "FIGURE": flush(); var m = $("[data-media-id]", c); if (m) out.push({ type: "upload", relationTo: UPLOADS, value: +m.getAttribute("data-media-id"), fields: null, format: "", version: 3 }); return;
      }
      loose.push(c);
    });
    flush();
    return out;
  }

  function list(ul) {
    var number = ul.tagName === "OL", items = [], i = 0;
    Array.prototype.forEach.call(ul.children, function (li) {
      if (li.tagName !== "LI") return;
      var kids = [], rest = doc.createElement("span");
      Array.prototype.forEach.call(li.childNodes, function (c) {
        if (c.nodeType === 1 && (c.tagName === "UL" || c.tagName === "OL")) { inline(rest, 0, kids); rest = doc.createElement("span"); kids.push(list(c)); }
        else rest.appendChild(c.cloneNode(true));
      });
      inline(rest, 0, kids);
      items.push(elementNode("listitem", kids, { value: ++i }));
    });
    return elementNode("list", items, { listType: number ? "number" : "bullet", start: 1, tag: number ? "ol" : "ul" });
  }

  function serialize(body) {
    var children = blocks(body);
    var empty = !children.some(function (n) { return n.type !== "paragraph" || n.children.length; });
    if (empty) return "";
    return JSON.stringify({ root: { type: "root", children: children, direction: "ltr", format: "", indent: 0, version: 1 } });
  }

  // render builds DOM from a Lexical node.
  function render(n) {
    var t = n.type, e;
    if (t === "text") {
      e = doc.createTextNode(n.text || "");
      var f = n.format || 0;
      [[16, "code"], [8, "u"], [4, "s"], [2, "em"], [1, "strong"], [32, "sub"], [64, "sup"]].forEach(function (p) {
        if (f & p[0]) { var w = doc.createElement(p[1]); w.appendChild(e); e = w; }
      });
      return e;
    }
    if (t === "linebreak") return doc.createElement("br");
    if (t === "upload") {
      var id = typeof n.value === "object" && n.value ? n.value.id : n.value;
      var fig = el("figure", { "data-media-id": String(id), contenteditable: "false" });
      var img = el("img", { alt: "" }); fig.appendChild(img);
      mediaURL(id, img);
      return fig;
    }
    var tag = { paragraph: "p", quote: "blockquote", listitem: "li", link: "a" }[t];
    if (t === "heading") tag = /^h[1-6]$/.test(n.tag) ? n.tag : "h2";
    if (t === "list") tag = n.listType === "number" ? "ol" : "ul";
    if (!tag) tag = "p";
    e = doc.createElement(tag);
    if (t === "link") {
      var fl = n.fields || {};
      e.setAttribute("href", fl.url || "");
      if (fl.newTab) e.setAttribute("target", "_blank");
    }
    (n.children || []).forEach(function (c) { e.appendChild(render(c)); });
    return e;
  }

  // supported reports whether a Lexical tree holds only what this editor
  // round-trips without loss.
  var KNOWN = { root: 1, paragraph: 1, heading: 1, quote: 1, list: 1, listitem: 1, link: 1, text: 1, linebreak: 1, upload: 1 };
  function supported(n) {
    if (!n || typeof n !== "object" || !KNOWN[n.type]) return false;
    if (n.type !== "text" && n.type !== "upload" && n.format && n.format !== "") return false;
    if (n.indent) return false;
    if (n.type === "text" && ((n.format || 0) & ~127 || n.style)) return false;
    if (n.type === "link" && n.fields && n.fields.linkType === "internal") return false;
    if (n.type === "upload" && n.relationTo !== UPLOADS) return false;
    if (n.type === "heading" && !/^h[1-6]$/.test(n.tag || "")) return false;
    if (n.type === "list" && (n.listType === "check" || (n.start && n.start !== 1))) return false;
    return (n.children || []).every(supported);
  }

  function mediaURL(id, img) {
    fetch("/api/" + UPLOADS + "/" + encodeURIComponent(id) + "?depth=0", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (m) { if (m) { img.src = m.thumbnailURL || m.url || ""; img.alt = m.alt || ""; } })
      .catch(function () { });
  }

  function richText(area) {
    var body = el("div", { "class": "rte-body", contenteditable: "true", role: "textbox", "aria-multiline": "true",
      "aria-labelledby": area.id + "-label" });
    var label = doc.querySelector("label[for='" + area.id + "']");
    if (label) label.id = area.id + "-label";
    try {
      var v = area.value.trim() ? JSON.parse(area.value) : null;
      if (v && !supported(v.root)) {
        // Editing would drop what this editor cannot show: keep the JSON.
        area.parentNode.insertBefore(el("p", { "class": "help", text: "This rich text uses features the visual editor does not support; it is shown as Lexical JSON." }), area.nextSibling);
        return;
      }
      ((v && v.root && v.root.children) || []).forEach(function (n) { body.appendChild(render(n)); });
    } catch (x) { return; } // invalid JSON stays in the visible textarea
    if (!body.childNodes.length) body.appendChild(el("p", {}, [el("br")]));
    var sync = function () { area.value = serialize(body); };
    var linkBar = el("div", { "class": "rte-toolbar", hidden: "" });
    var linkInput = el("input", { type: "text", placeholder: "https://…", "aria-label": "Link URL", "class": "rte-link-url" });
    var saved = null;
    var keep = function () { var s = window.getSelection(); if (s.rangeCount && body.contains(s.anchorNode)) saved = s.getRangeAt(0).cloneRange(); };
    var restore = function () { if (!saved) return; var s = window.getSelection(); s.removeAllRanges(); s.addRange(saved); };
    var exec = function (cmd, arg) { body.focus(); restore(); doc.execCommand("styleWithCSS", false, false); doc.execCommand(cmd, false, arg); keep(); sync(); };
    var wrapCode = function () {
      restore(); var s = window.getSelection(); if (!s.rangeCount || s.isCollapsed) return;
      var r = s.getRangeAt(0), code = doc.createElement("code");
      try { code.appendChild(r.extractContents()); r.insertNode(code); } catch (x) { }
      sync();
    };
    var insertMedia = function () {
      keep();
      mediaDialog(function (m) {
        var fig = el("figure", { "data-media-id": String(m.id), contenteditable: "false" }, [el("img", { src: m.thumbnailURL || m.url || "", alt: m.alt || "" })]);
        var block = null;
        if (saved) { block = saved.startContainer; while (block && block.parentNode !== body) block = block.parentNode; }
        if (block) body.insertBefore(fig, block.nextSibling); else body.appendChild(fig);
        if (!fig.nextSibling) body.appendChild(el("p", {}, [el("br")]));
        sync(); body.focus();
      });
    };
    var buttons = [
      ["B", "Bold", function () { exec("bold"); }], ["I", "Italic", function () { exec("italic"); }],
      ["U", "Underline", function () { exec("underline"); }], ["</>", "Code", wrapCode],
      ["H2", "Heading 2", function () { exec("formatBlock", "h2"); }], ["H3", "Heading 3", function () { exec("formatBlock", "h3"); }],
      ["¶", "Paragraph", function () { exec("formatBlock", "p"); }],
      ["• List", "Bulleted list", function () { exec("insertUnorderedList"); }], ["1. List", "Numbered list", function () { exec("insertOrderedList"); }],
      ["❝", "Quote", function () { exec("formatBlock", "blockquote"); }],
      ["Link", "Link", function () { keep(); linkBar.hidden = false; linkInput.value = ""; linkInput.focus(); }],
      ["Image", "Image from media", insertMedia]
    ];
    var toolbar = el("div", { "class": "rte-toolbar", role: "toolbar", "aria-label": "Formatting" });
    buttons.forEach(function (b) {
      toolbar.appendChild(el("button", { type: "button", title: b[1], "aria-label": b[1], "data-cmd": b[1].toLowerCase().replace(/\s+/g, "-"),
        onmousedown: function (e) { e.preventDefault(); }, onclick: b[2], text: b[0] }));
    });
    var applyLink = function () {
      var url = linkInput.value.trim();
      linkBar.hidden = true;
      if (!/^(https?:\/\/|mailto:|tel:|\/|#)/i.test(url)) { body.focus(); return; }
      restore();
      var s = window.getSelection();
      if (s.isCollapsed) { var a = el("a", { href: url, text: url }); s.getRangeAt(0).insertNode(a); }
      else exec("createLink", url);
      sync();
    };
    linkBar.appendChild(linkInput);
    linkBar.appendChild(el("button", { type: "button", text: "Apply link", "data-cmd": "apply-link", onclick: applyLink }));
    linkBar.appendChild(el("button", { type: "button", text: "Cancel", onclick: function () { linkBar.hidden = true; body.focus(); } }));
    linkInput.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); applyLink(); } if (e.key === "Escape") { linkBar.hidden = true; body.focus(); } });
    body.addEventListener("input", sync);
    body.addEventListener("keyup", keep); body.addEventListener("mouseup", keep); body.addEventListener("blur", keep);
    body.addEventListener("keydown", function (e) {
      if (!(e.ctrlKey || e.metaKey)) return;
      var k = e.key.toLowerCase();
      if (k === "b" || k === "i" || k === "u") { e.preventDefault(); exec({ b: "bold", i: "italic", u: "underline" }[k]); }
      if (k === "k") { e.preventDefault(); keep(); linkBar.hidden = false; linkInput.focus(); }
    });
    var wrap = el("div", { "class": "rte", "data-rte-for": area.id }, [toolbar, linkBar, body]);
    area.classList.add("enhanced");
    area.setAttribute("tabindex", "-1");
    area.parentNode.insertBefore(wrap, area);
    var form = area.form; if (form) form.addEventListener("submit", sync);
  }
})();
