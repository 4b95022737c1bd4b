// Chronos admin enhancements. Every page works without this file; it adds
// media pickers, upload progress, drag-and-drop, the focal point picker and
// small conveniences. No dependencies, no build. The rich text editor is
// editor.js: Lexical, bundled from editor/ (see editor/build.mjs).
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
  // Shared with session.js, which loads after this file.
  window.chronosAdmin = { $: $, $$: $$, el: el };

  doc.addEventListener("DOMContentLoaded", function () {
    $$(".js-only").forEach(function (e) { e.hidden = false; });
    slugs(); seo();
    pickers(); uploader(); focal(); selectAll(); focusRow(); fallbacks();
    $$("fieldset[data-rows] > .row-list").forEach(dragRows);
    var summary = $("#error-summary"); if (summary) summary.focus();
    unsavedGuard();
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

  // ---- unsaved changes -------------------------------------------------
  // Leaving the editor with typed, unsaved changes asks first; submitting
  // the form (save, publish, a row change) does not.
  function unsavedGuard() {
    var form = $("#editor-form"); if (!form) return;
    var dirty = false;
    var mark = function () { dirty = true; };
    form.addEventListener("input", mark);
    form.addEventListener("change", mark);
    form.addEventListener("submit", function () { dirty = false; });
    form.addEventListener("chronos:saved", function () { dirty = false; }); // autosaved (session.js)
    window.addEventListener("beforeunload", function (e) {
      if (!dirty) return;
      e.preventDefault();
      e.returnValue = "";
    });
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
})();
