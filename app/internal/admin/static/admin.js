// Chronos admin enhancements. Every page works without this file; it adds
// upload progress, drag-and-drop, the focal point picker and
// small conveniences. No dependencies, no build. The rich text editor is
// editor.js: Lexical, bundled from editor/ (see editor/build.mjs); arrays
// and blocks are edited in place by blocks.js.
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
    uploader(); focal(); selectAll(); focusRow(); fallbacks();
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

  // ---- slug follows the title until edited by hand or published --------
  function slugify(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 120);
  }
  function slugs() {
    var title = $("#f-title"), slug = $("#f-slug");
    if (!title || !slug) return;
    // A published page's slug is locked: only editing it changes it.
    var locked = !!slug.closest("[data-slug-locked]");
    var auto = !locked && (slug.value === "" || slug.value === slugify(title.value));
    slug.addEventListener("input", function () { auto = !locked && slug.value === ""; });
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

  // ---- upload with progress and drag-and-drop ---------------------------
  function uploader() {
    var form = $("[data-uploader]"); if (!form) return;
    var input = $("input[type=file]", form), zone = $("[data-dropzone]", form), list = $("[data-progress]", form), alt = $("#upload-alt", form);
    ["dragenter", "dragover"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); }); });
    ["dragleave", "drop"].forEach(function (t) { zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); }); });
    zone.addEventListener("drop", function (e) { if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; fileAlts(); alt.focus(); } });
    // With several files, each gets an alt text of its own; one left
    // empty takes the text above.
    var alts = el("ol", { "class": "file-alts", "data-file-alts": "", hidden: "" });
    alt.parentNode.after(alts);
    var fileAlts = function () {
      var files = Array.prototype.slice.call(input.files || []);
      alts.textContent = "";
      alts.hidden = files.length < 2;
      alt.required = files.length < 2;
      if (files.length < 2) return;
      files.forEach(function (f, i) {
        alts.appendChild(el("li", { "class": "field" }, [
          el("label", { "for": "upload-alt-" + i, text: "Alt text for " + f.name }),
          el("input", { type: "text", id: "upload-alt-" + i, maxlength: "500", "data-alt-for": f.name, placeholder: "As above" })]));
      });
    };
    input.addEventListener("change", fileAlts);
    var altFor = function (i) { var own = $("#upload-alt-" + i, alts); return (own && own.value.trim()) || alt.value.trim(); };
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var files = Array.prototype.slice.call(input.files || []);
      $$(".field-error", form).forEach(function (x) { x.remove(); });
      $$("[aria-invalid]", form).forEach(function (x) { x.removeAttribute("aria-invalid"); });
      if (!files.length) { input.focus(); return; }
      var missing = files.map(function (f, i) { return altFor(i) ? -1 : i; }).filter(function (i) { return i >= 0; });
      if (missing.length) {
        var at = files.length < 2 ? alt : $("#upload-alt-" + missing[0], alts);
        at.setAttribute("aria-invalid", "true");
        at.parentNode.appendChild(el("p", { "class": "field-error", role: "alert", text: files.length < 2 ? "Alt text is required." : "Alt text is required for " + files[missing[0]].name + " (or give one above for all)." }));
        at.focus(); return;
      }
      list.textContent = "";
      var pending = files.length, ok = 0, direct = form.getAttribute("data-direct") === "true" ? null : false;
      files.forEach(function (f, i) {
        var text = altFor(i);
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
          fd.append("_payload", JSON.stringify({ alt: text }));
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
            fin.send(JSON.stringify({ upload: d.token, alt: text }));
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
        input.value = ""; fileAlts();
        if (ok) refreshList();
      }
    });
  }

  // refreshList shows the uploads in the library below without a reload:
  // the list page is fetched again and its results replace these.
  function refreshList() {
    var cur = $("[data-list-results]"); if (!cur) return;
    fetch(location.href, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) {
        var next = $("[data-list-results]", new DOMParser().parseFromString(html, "text/html"));
        if (!next) return;
        next = doc.importNode(next, true);
        next.setAttribute("data-refreshed", String(+(cur.getAttribute("data-refreshed") || 0) + 1));
        cur.replaceWith(next);
        selectAll(); fallbacks();
      })
      .catch(function () { /* the "Show in library" link still works */ });
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
})();
