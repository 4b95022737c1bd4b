// Chronos admin pickers. Every upload and relationship field is a plain
// input (a select of recent choices, or ids typed as text) inside a
// [data-pick] box whose data-pick attribute describes the field: its
// targets (slug, labels, title and search fields, sort), its MIME types and
// whether it holds many. This script replaces the plain input by a picker:
//   - relationships: a searchable select (combobox) with chips; a field
//     with many values is ordered by dragging a chip or with the arrow keys
//     on its handle;
//   - uploads: a media drawer with thumbnails, search, a type filter and an
//     upload form, offering only the files the field accepts.
// Choices are searched through the REST API a page at a time (never the
// whole collection) and written back into the plain input, which stays the
// one value the form posts. It also shows a field only while its sibling
// holds the value of its admin condition (data-when). No dependencies, no
// inline script or style (CSP).
(function () {
  "use strict";
  var doc = document;
  var seq = 0;
  var live = new WeakMap(); // [data-pick] box → its picker
  var RELATION_PAGE = 10, MEDIA_PAGE = 24;

  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function el(tag, attrs, kids) {
    var e = doc.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === "text") e.textContent = v;
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    });
    (kids || []).forEach(function (c) { if (c) e.appendChild(typeof c === "string" ? doc.createTextNode(c) : c); });
    return e;
  }
  function parse(s, dflt) { try { var v = JSON.parse(s); return v === null ? dflt : v; } catch (x) { return dflt; } }

  doc.addEventListener("DOMContentLoaded", function () {
    $$("[data-pick]").forEach(init);
    // The error summary links to a field's plain input: with a picker, go
    // to the picker's control instead.
    doc.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest('a[href^="#f-"]');
      var input = a && doc.getElementById(a.getAttribute("href").slice(1));
      var root = input && input.hidden && input.closest("[data-pick]");
      var ctl = root && $(":scope > .pk .pk-search, :scope > .pk .pk-open", root);
      if (ctl) { e.preventDefault(); ctl.focus(); ctl.scrollIntoView({ block: "center" }); }
    });
    var form = $("#editor-form");
    if (!form) return;
    conditions(form);
    // Rows and blocks added or duplicated without a reload get pickers too
    // (a copied picker is rebuilt from its data).
    new MutationObserver(function (muts) {
      muts.forEach(function (m) {
        Array.prototype.forEach.call(m.addedNodes, function (n) {
          if (n.nodeType !== 1) return;
          if (n.matches("[data-pick]")) init(n);
          $$("[data-pick]", n).forEach(init);
        });
      });
    }).observe(form, { childList: true, subtree: true });
  });

  // ---- MIME types: the server's rule (content.Field.MimeAllowed) ---------
  function mimeOK(mt, pats) {
    if (!pats || !pats.length) return true;
    mt = String(mt || "").toLowerCase().split(";")[0].trim();
    return pats.some(function (p) {
      if (p.slice(-2) === "/*") { var major = p.slice(0, -1); return mt.indexOf(major) === 0 && mt.length > major.length; }
      return mt === p;
    });
  }
  function typeLabel(p) {
    return { "image/*": "Images", "video/*": "Videos", "audio/*": "Audio", "text/*": "Text", "application/pdf": "PDF" }[p] || p;
  }

  // ---- REST queries ---------------------------------------------------------
  // find asks /api/{slug} for one page of documents matching the search text
  // q (like on the target's search fields, or the id) and, for uploads, the
  // MIME patterns pats.
  function find(target, q, page, limit, pats) {
    var p = [["depth", "0"], ["limit", String(limit)], ["page", String(page)], ["sort", target.sort]];
    if (target.drafts) p.push(["draft", "true"]);
    q = q.trim();
    if (q) {
      var fields = target.search || [];
      if (/^\d+$/.test(q)) p.push(["where[and][0][or][0][id][equals]", q]);
      fields.forEach(function (f, i) { p.push(["where[and][0][or][" + (i + 1) + "][" + f + "][like]", q]); });
    }
    (pats || []).forEach(function (m, i) {
      var wild = m.slice(-2) === "/*";
      p.push(["where[and][1][or][" + i + "][mimeType][" + (wild ? "like" : "equals") + "]", wild ? m.slice(0, -1) : m]);
    });
    var url = "/api/" + encodeURIComponent(target.slug) + "?" + p.map(function (kv) {
      return encodeURIComponent(kv[0]).replace(/%5B/g, "[").replace(/%5D/g, "]") + "=" + encodeURIComponent(kv[1]);
    }).join("&");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
  }
  function titleOf(target, d) {
    var t = target.title ? d[target.title] : "";
    return (t && String(t).trim()) || ("Untitled " + target.singular.toLowerCase() + " #" + d.id);
  }
  function thumbOf(d) {
    return d.thumbnailURL || (/^image\//.test(d.mimeType || "") ? d.url || "" : "");
  }

  // ---- the picker -------------------------------------------------------------
  function init(root) {
    if (live.has(root)) return;
    var cfg = parse(root.getAttribute("data-pick"), null);
    var input = $("[data-pick-input]", root);
    if (!cfg || !cfg.targets || !cfg.targets.length || !input) return;
    live.set(root, true);
    $$(":scope > .pk", root).forEach(function (n) { n.remove(); }); // a copy's dead widget
    var field = root.closest(".field") || root.parentNode;
    $$(".pk-fallback", field).forEach(function (e) { e.hidden = true; });
    var id = "pk-" + (++seq);
    var picks = reconcile(cfg, input, parse(root.getAttribute("data-picked"), []));
    var chips = el("ul", { "class": "pk-chips" + (cfg.many ? " pk-many" : ""), "aria-label": cfg.label + ": chosen" });
    var status = el("p", { "class": "visually-hidden", "aria-live": "polite", id: id + "-status" });
    var box = el("div", { "class": "pk" + (cfg.upload ? " pk-upload" : "") }, [chips]);
    root.appendChild(box);
    var api = { cfg: cfg, id: id, pick: pick };
    var focusTarget = cfg.upload ? uploadControls(api, box) : searchControls(api, box);
    box.appendChild(status);
    var label = $(":scope > label", field);
    if (label && focusTarget) label.setAttribute("for", focusTarget.id);
    render();
    hydrate();

    // hydrate fetches the titles (and thumbnails) of choices the page did
    // not describe: values copied into a duplicated block, or typed.
    function hydrate() {
      var byTarget = {};
      picks.forEach(function (p) {
        if (!p.unknown) return;
        var slug = cfg.targets[0].slug, id = p.value;
        if (cfg.poly) { var i = p.value.indexOf(":"); slug = p.value.slice(0, i); id = p.value.slice(i + 1); }
        if (/^\d+$/.test(id)) (byTarget[slug] = byTarget[slug] || []).push(id);
      });
      Object.keys(byTarget).forEach(function (slug) {
        var target = cfg.targets.filter(function (t) { return t.slug === slug; })[0];
        if (!target) return;
        var ids = byTarget[slug].slice(0, 100);
        fetch("/api/" + encodeURIComponent(slug) + "?depth=0&limit=" + ids.length + "&page=1" + (target.drafts ? "&draft=true" : "") +
          "&where[id][in]=" + ids.join(","), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { docs: [] }; })
          .then(function (res) {
            (res.docs || []).forEach(function (d) {
              var v = cfg.poly ? slug + ":" + d.id : String(d.id);
              picks.forEach(function (p) {
                if (p.value !== v || !p.unknown) return;
                p.label = titleOf(target, d); delete p.unknown;
                if (cfg.upload) { p.thumb = thumbOf(d); p.mime = d.mimeType || ""; }
              });
            });
            root.setAttribute("data-picked", JSON.stringify(picks));
            render();
          }, function () { });
      });
    }

    function pick(p) {
      if (picks.some(function (x) { return x.value === p.value; })) { say(p.label + " is already chosen."); return; }
      picks = cfg.many ? picks.concat([p]) : [p];
      write(); render();
      say(p.label + " chosen.");
    }
    function remove(i) {
      var gone = picks[i];
      picks = picks.slice(0, i).concat(picks.slice(i + 1));
      write(); render();
      say(gone.label + " removed.");
      var next = $$(".pk-remove", chips)[Math.min(i, picks.length - 1)];
      (next || focusTarget).focus();
    }
    function move(from, to) {
      if (to < 0 || to >= picks.length || to === from) return;
      var p = picks.splice(from, 1)[0];
      picks.splice(to, 0, p);
      write(); render();
      say(p.label + " moved to position " + (to + 1) + " of " + picks.length + ".");
    }
    // write puts the choices into the plain input (the posted value) and
    // tells the form (autosave, unsaved-changes guard, preview).
    function write() {
      var vals = picks.map(function (p) { return p.value; });
      if (input.tagName === "SELECT") {
        var v = vals[0] || "";
        if (v && !Array.prototype.some.call(input.options, function (o) { return o.value === v; })) {
          input.appendChild(el("option", { value: v, text: picks[0].label }));
        }
        input.value = v;
      } else {
        input.value = vals.join(", ");
      }
      root.setAttribute("data-picked", JSON.stringify(picks));
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function say(msg) { status.textContent = msg; }
    function render() {
      chips.textContent = "";
      picks.forEach(function (p, i) {
        var li = el("li", { "class": "pk-chip", "data-value": p.value }, [
          cfg.many ? el("button", { type: "button", "class": "pk-handle", title: "Drag, or use the arrow keys, to reorder",
            "aria-label": "Move " + p.label + " (position " + (i + 1) + " of " + picks.length + "; arrow keys move it)", text: "⠿" }) : null,
          cfg.upload ? (p.thumb ? el("img", { "class": "pk-thumb", src: p.thumb, alt: "" }) : el("span", { "class": "pk-thumb pk-file", "aria-hidden": "true", text: fileExt(p) })) : null,
          el("span", { "class": "pk-chip-label", text: p.label }),
          cfg.upload && p.mime ? el("span", { "class": "pk-chip-mime", text: p.mime }) : null,
          el("button", { type: "button", "class": "pk-remove", "aria-label": "Remove " + p.label, title: "Remove", text: "×",
            onclick: function () { remove(i); } })]);
        if (cfg.many) draggable(li, i);
        chips.appendChild(li);
      });
      chips.hidden = picks.length === 0;
      box.classList.toggle("pk-empty", picks.length === 0);
      var open = $(".pk-open", box);
      if (open) open.textContent = picks.length && !cfg.many ? "Change…" : "Choose…";
    }
    // Drag a chip onto another to put it there; the handle takes the
    // arrow keys for the same move.
    var dragged = -1;
    function draggable(li, i) {
      li.draggable = true;
      li.addEventListener("dragstart", function (e) {
        e.stopPropagation();
        dragged = i; li.classList.add("pk-dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", picks[i].value);
      });
      li.addEventListener("dragend", function (e) { e.stopPropagation(); dragged = -1; li.classList.remove("pk-dragging"); });
      li.addEventListener("dragover", function (e) {
        if (dragged < 0) return;
        e.preventDefault(); e.stopPropagation();
      });
      li.addEventListener("drop", function (e) {
        if (dragged < 0) return;
        e.preventDefault(); e.stopPropagation();
        var r = li.getBoundingClientRect(), to = e.clientY < r.top + r.height / 2 ? i : i + 1;
        var from = dragged;
        dragged = -1;
        move(from, to > from ? to - 1 : to);
      });
      $(".pk-handle", li).addEventListener("keydown", function (e) {
        var to = { ArrowUp: i - 1, ArrowLeft: i - 1, ArrowDown: i + 1, ArrowRight: i + 1, Home: 0, End: picks.length - 1 }[e.key];
        if (to === undefined) return;
        e.preventDefault();
        if (to < 0 || to >= picks.length) return;
        move(i, to);
        $$(".pk-handle", chips)[to].focus();
      });
    }
  }

  function fileExt(p) {
    var m = /\.([a-z0-9]{1,5})$/i.exec(p.label || "");
    return m ? m[1].toUpperCase() : "FILE";
  }

  // reconcile returns the choices shown: the plain input's values, in its
  // order, labelled from the page's data (or the select's option, or #id).
  function reconcile(cfg, input, picks) {
    var raw = input.value.trim();
    var vals = cfg.many ? raw.split(/[\s,]+/).filter(Boolean) : (raw ? [raw] : []);
    return vals.map(function (v) {
      for (var i = 0; i < picks.length; i++) if (picks[i].value === v) return picks[i];
      return { value: v, label: "#" + v, unknown: true };
    });
  }

  // ---- relationships: a combobox searching the targets ----------------------
  function searchControls(api, box) {
    var cfg = api.cfg, id = api.id, targets = cfg.targets, target = targets[0];
    var q = el("input", { type: "text", id: id + "-q", role: "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
      "aria-controls": id + "-list", autocomplete: "off", spellcheck: "false", "class": "pk-search",
      placeholder: "Search " + targets.map(function (t) { return t.plural.toLowerCase(); }).join(" or ") + "…" });
    var list = el("ul", { id: id + "-list", role: "listbox", "class": "pk-list", "aria-label": cfg.label + ": choices", hidden: true });
    var which = null;
    if (targets.length > 1) {
      which = el("select", { "class": "pk-which", "aria-label": "Collection to search" }, targets.map(function (t) {
        return el("option", { value: t.slug, text: t.singular });
      }));
      which.addEventListener("change", function () {
        target = targets.filter(function (t) { return t.slug === which.value; })[0] || targets[0];
        run(1);
      });
    }
    box.appendChild(el("div", { "class": "pk-combo" }, [which, q, list]));
    var token = 0, page = 1, active = -1, timer = 0, opts = [];
    // The list is aria-busy from typing until the answer for what is in
    // the box is shown; data-q then names that search.
    function busy() { list.setAttribute("aria-busy", "true"); list.removeAttribute("data-q"); }
    function run(pg) {
      var mine = ++token, asked = q.value.trim();
      page = pg;
      if (pg === 1) { list.textContent = ""; opts = []; active = -1; }
      busy();
      open();
      var wait = el("li", { "class": "pk-note", role: "presentation", text: "Searching…" });
      list.appendChild(wait);
      find(target, asked, pg, RELATION_PAGE).then(function (res) {
        if (mine !== token) return;
        wait.remove();
        list.setAttribute("aria-busy", "false");
        list.setAttribute("data-q", asked);
        (res.docs || []).forEach(function (d) {
          var p = { value: cfg.poly ? target.slug + ":" + d.id : String(d.id), label: (cfg.poly && targets.length > 1 ? target.singular + ": " : "") + titleOf(target, d) };
          var o = el("li", { role: "option", id: id + "-o" + opts.length, "class": "pk-option", "data-value": p.value, "aria-selected": "false", text: p.label });
          o.addEventListener("mousedown", function (e) { e.preventDefault(); });
          o.addEventListener("click", function () { choose(p); });
          opts.push({ el: o, pick: p });
          list.appendChild(o);
        });
        if (res.hasNextPage) {
          var more = el("li", { role: "option", id: id + "-more", "class": "pk-option pk-more", "aria-selected": "false",
            text: "Load more (" + (res.totalDocs - opts.length) + " more)" });
          more.addEventListener("mousedown", function (e) { e.preventDefault(); });
          more.addEventListener("click", function () { more.remove(); opts.pop(); run(page + 1); });
          opts.push({ el: more, more: true });
          list.appendChild(more);
        }
        if (!opts.length) list.appendChild(el("li", { "class": "pk-note", role: "presentation", text: "No " + target.plural.toLowerCase() + " match." }));
        if (pg > 1 && active < 0) setActive(opts.length - (res.hasNextPage ? 1 : 0) - (res.docs || []).length);
      }).catch(function () {
        if (mine !== token) return;
        list.setAttribute("aria-busy", "false");
        wait.textContent = "Could not search " + target.plural.toLowerCase() + ".";
      });
    }
    function open() { list.hidden = false; q.setAttribute("aria-expanded", "true"); }
    function close() { clearTimeout(timer); token++; list.hidden = true; q.setAttribute("aria-expanded", "false"); q.removeAttribute("aria-activedescendant"); active = -1; }
    function setActive(i) {
      if (!opts.length) return;
      active = Math.max(0, Math.min(opts.length - 1, i));
      opts.forEach(function (o, j) { o.el.setAttribute("aria-selected", j === active ? "true" : "false"); o.el.classList.toggle("pk-active", j === active); });
      q.setAttribute("aria-activedescendant", opts[active].el.id);
      opts[active].el.scrollIntoView({ block: "nearest" });
    }
    function choose(p) {
      clearTimeout(timer);
      api.pick(p);
      q.value = "";
      if (cfg.many) { run(1); q.focus(); } else { close(); q.focus(); }
    }
    q.addEventListener("input", function () {
      clearTimeout(timer);
      busy();
      timer = setTimeout(function () { run(1); }, 200);
    });
    q.addEventListener("focus", function () { if (list.hidden) run(1); });
    q.addEventListener("keydown", function (e) {
      switch (e.key) {
        case "ArrowDown": e.preventDefault(); if (list.hidden) run(1); else setActive(active + 1); break;
        case "ArrowUp": e.preventDefault(); setActive(active - 1); break;
        case "Enter":
          e.preventDefault(); // never submits the form
          if (active >= 0 && opts[active]) {
            if (opts[active].more) { var m = opts.pop(); m.el.remove(); run(page + 1); } else choose(opts[active].pick);
          }
          break;
        case "Escape": if (!list.hidden) { e.preventDefault(); close(); } break;
      }
    });
    // Enter in the box never submits the form, whichever event carries it.
    q.addEventListener("keypress", function (e) { if (e.key === "Enter") e.preventDefault(); });
    box.addEventListener("focusout", function (e) { if (!box.contains(e.relatedTarget)) close(); });
    return q;
  }

  // ---- uploads: the media drawer ------------------------------------------------
  function uploadControls(api, box) {
    var btn = el("button", { type: "button", "class": "btn btn-small pk-open", id: api.id + "-open", text: "Choose…",
      "aria-haspopup": "dialog", onclick: function () { drawer(api, btn); } });
    box.appendChild(el("div", { "class": "pk-actions" }, [btn]));
    return btn;
  }

  // The rich text editor's image button opens this same drawer
  // (editor/src/editor.js): cfg is a data-pick config (the upload
  // collection, the MIME types), pick gets the chosen file and close runs
  // when the drawer closes (the editor takes the focus back).
  window.chronosPickers = {
    mediaDrawer: function (cfg, opener, pick, close) {
      if (!cfg || !cfg.targets || !cfg.targets.length) return false;
      drawer({ cfg: cfg, id: "pk-" + (++seq), pick: pick, close: close }, opener);
      return true;
    }
  };

  function drawer(api, opener) {
    var cfg = api.cfg, target = cfg.targets[0], id = api.id + "-d";
    var allowed = cfg.mime || [];
    var kinds = allowed.length ? allowed : ["image/*", "video/*", "audio/*", "application/pdf", "text/*"];
    var filter = el("select", { id: id + "-type", "class": "pk-type" }, [el("option", { value: "", text: allowed.length ? "All accepted types" : "All types" })]
      .concat(kinds.map(function (k) { return el("option", { value: k, text: typeLabel(k) }); })));
    var search = el("input", { type: "search", id: id + "-q", "class": "pk-drawer-search", placeholder: "Search by name or alt text", autocomplete: "off" });
    var count = el("p", { "class": "help pk-count", "aria-live": "polite", id: id + "-count" });
    var grid = el("ul", { "class": "pick-grid pk-grid", "aria-labelledby": id + "-h" });
    var more = el("button", { type: "button", "class": "btn btn-small pk-more-files", hidden: true, text: "Load more" });
    var dlg = el("dialog", { "class": "pk-drawer", "aria-labelledby": id + "-h" }, [
      el("div", { "class": "page-head" }, [el("h2", { id: id + "-h", text: "Choose " + cfg.label.toLowerCase() }),
        el("button", { type: "button", "class": "btn btn-ghost pk-close", text: "Close", onclick: function () { dlg.close(); } })]),
      allowed.length ? el("p", { "class": "help pk-accepts", text: "This field accepts " + allowed.map(typeLabel).join(", ") + " only." }) : null,
      el("div", { "class": "pk-toolbar" }, [
        el("label", { "for": search.id, "class": "visually-hidden", text: "Search files" }), search,
        kinds.length > 1 ? el("label", { "for": filter.id, "class": "visually-hidden", text: "File type" }) : null, kinds.length > 1 ? filter : null]),
      count, grid, more, uploadForm(api, target, allowed, function (d) { chosen(d); })]);
    doc.body.appendChild(dlg);
    dlg.addEventListener("close", function () { dlg.remove(); if (api.close) api.close(); else opener.focus(); });
    dlg.showModal();
    var token = 0, page = 1, shown = 0, timer = 0;
    function run(pg) {
      var mine = ++token, asked = search.value.trim();
      page = pg;
      if (pg === 1) { grid.textContent = ""; shown = 0; }
      grid.setAttribute("aria-busy", "true");
      more.hidden = true;
      count.textContent = "Loading…";
      var pats = filter.value ? [filter.value] : allowed;
      find(target, asked, pg, MEDIA_PAGE, pats).then(function (res) {
        if (mine !== token) return;
        grid.setAttribute("aria-busy", "false");
        grid.setAttribute("data-q", asked);
        (res.docs || []).forEach(function (d) {
          if (!mimeOK(d.mimeType, allowed)) return;
          var src = thumbOf(d), name = d.filename || ("#" + d.id);
          grid.appendChild(el("li", {}, [el("button", { type: "button", "data-media-id": String(d.id), "data-mime": d.mimeType || "",
            title: name + (d.alt ? " — " + d.alt : ""), onclick: function () { chosen(d); } }, [
            src ? el("img", { src: src, alt: "", loading: "lazy" }) : el("span", { "class": "tile-file pk-file", text: fileExt({ label: name }) }),
            el("span", { "class": "tile-title", text: name }),
            el("span", { "class": "pk-tile-mime", text: d.mimeType || "" })])]));
          shown++;
        });
        count.textContent = res.totalDocs ? "Showing " + shown + " of " + res.totalDocs + " files." : "No files match.";
        more.hidden = !res.hasNextPage;
        if (pg === 1 && doc.activeElement === doc.body) search.focus();
      }).catch(function () { if (mine === token) count.textContent = "Could not load the media library."; });
    }
    function chosen(d) {
      if (!mimeOK(d.mimeType, allowed)) { count.textContent = (d.filename || "That file") + " is " + d.mimeType + ": this field does not accept it."; return; }
      api.pick({ value: String(d.id), label: d.filename || ("#" + d.id), thumb: thumbOf(d), mime: d.mimeType || "" });
      dlg.close();
    }
    search.addEventListener("input", function () { clearTimeout(timer); grid.setAttribute("aria-busy", "true"); timer = setTimeout(function () { run(1); }, 200); });
    search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); clearTimeout(timer); run(1); } });
    search.addEventListener("keypress", function (e) { if (e.key === "Enter") e.preventDefault(); });
    filter.addEventListener("change", function () { run(1); });
    more.addEventListener("click", function () { run(page + 1); });
    search.focus();
    run(1);
  }

  // uploadForm uploads one file into the library (as the media page's
  // uploader does, through the CMS) and hands the stored document to done.
  function uploadForm(api, target, allowed, done) {
    var id = api.id + "-u";
    var file = el("input", { type: "file", id: id + "-file", accept: allowed.length ? allowed.join(",") : null });
    var alt = el("input", { type: "text", id: id + "-alt", maxlength: "500" });
    var bar = el("progress", { max: "100", value: "0", hidden: true, "aria-label": "Upload progress" });
    var msg = el("p", { "class": "help pk-upload-msg", role: "status" });
    var go = el("button", { type: "button", "class": "btn btn-primary btn-small", id: id + "-go", text: "Upload and choose" });
    go.addEventListener("click", function () {
      var f = file.files && file.files[0];
      msg.classList.remove("field-error");
      if (!f) { fail("Choose a file first."); file.focus(); return; }
      if (!mimeOK(f.type, allowed)) { fail("This field accepts " + allowed.join(" or ") + " files only: " + f.name + " is " + (f.type || "of an unknown type") + "."); return; }
      if (!alt.value.trim()) { fail("Alt text is required."); alt.focus(); return; }
      var fd = new FormData();
      fd.append("_payload", JSON.stringify({ alt: alt.value.trim() }));
      fd.append("file", f);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", "/api/" + encodeURIComponent(target.slug));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (e) { if (e.lengthComputable) bar.value = Math.round(e.loaded / e.total * 100); });
      xhr.addEventListener("load", function () {
        go.disabled = false; bar.hidden = true;
        var body = parse(xhr.responseText, {});
        if (xhr.status >= 200 && xhr.status < 300 && body.doc) { msg.textContent = f.name + " uploaded."; done(body.doc); return; }
        var e0 = (body.errors || [])[0] || {};
        var detail = ((e0.data && e0.data.errors) || []).map(function (x) { return x.message; }).join(" ");
        fail(detail || e0.message || ("Upload failed (" + xhr.status + ")."));
      });
      xhr.addEventListener("error", function () { go.disabled = false; bar.hidden = true; fail("Network error: the file was not uploaded."); });
      go.disabled = true; bar.hidden = false; bar.value = 0; msg.textContent = "Uploading " + f.name + "…";
      xhr.send(fd);
    });
    function fail(text) { msg.textContent = text; msg.classList.add("field-error"); }
    return el("details", { "class": "pk-upload-form" }, [el("summary", { text: "Upload a new file" }),
      el("div", { "class": "stack" }, [
        el("div", { "class": "field" }, [el("label", { "for": file.id, text: "File" }), file]),
        el("div", { "class": "field" }, [el("label", { "for": alt.id, text: "Alt text" }), alt]),
        el("div", { "class": "pk-upload-go" }, [go, bar]), msg])]);
  }

  // ---- admin conditions: show a field while its sibling holds a value -------
  function conditions(form) {
    var update = function () {
      $$("[data-when]", form).forEach(function (f) {
        var path = f.getAttribute("data-path") || "", dot = path.lastIndexOf(".");
        var sib = path.slice(0, dot + 1) + f.getAttribute("data-when");
        var src = $$("[name]", form).filter(function (e) { return e.name === sib && e.type !== "hidden"; })[0];
        f.hidden = !!src && src.value !== f.getAttribute("data-when-equals") && !f.classList.contains("has-error");
      });
    };
    form.addEventListener("change", update);
    new MutationObserver(function (muts) {
      if (muts.some(function (m) { return m.addedNodes.length; })) update();
    }).observe(form, { childList: true, subtree: true });
    update();
  }
})();
