// Chronos admin: arrays and blocks edited in place. Adding, inserting
// between, duplicating, moving (buttons or drag) and removing rows happen
// in the page, focus kept, instead of posting the form for the server to
// re-render it; collapse/expand all. Without JavaScript the same buttons
// post "_op" and the server does it (fields.go, rowOp), so this file only
// takes over their clicks.
//
// New rows are copies of the <template data-row-template> the editor
// renders for every list field and block type (fields.go, templates), whose
// paths start with __ROW__. Input names are document paths
// ("layout.2.links.0.url") and ids derive from them ("f-layout-2-links-0-url"),
// so after every change each row is renamed to its position: the server
// reads the form exactly as it reads the no-JavaScript one.
//
// A row put into the page (added, inserted, duplicated) gets the bubbling
// event "chronos:rows-added": enhancers of fields (the rich text editor,
// pickers) listen to it to set up the row's fields. Enhancers that refer
// to an input by id should use ids that start with the input's id and "-",
// so renaming carries them along.
(function () {
  "use strict";
  var doc = document;
  var TEMPLATE_ROW = "__ROW__";
  var ADDED = "chronos:rows-added";
  function $(sel, root) { return (root || doc).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || doc).querySelectorAll(sel)); }
  function el(tag, attrs, text) {
    var e = doc.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  doc.addEventListener("DOMContentLoaded", function () {
    var form = $("#editor-form");
    if (!form || !$("template[data-row-template]", form)) return;
    form.classList.add("rows-live");
    $$("fieldset[data-rows]", form).forEach(function (fs) { if (!fs.parentElement.closest(".row")) bar(fs); });
    $$("li.row", form).forEach(decorate);
    $$("fieldset[data-rows]", form).forEach(renumber);
    form.addEventListener("click", function (e) { click(form, e); });
    form.addEventListener("input", function (e) { summarize(e.target); });
  });

  // summarize keeps a row's summary (shown when collapsed) in step with its
  // first filled field among these, as the server renders it (rowSummary).
  var SUMMARY = ["heading", "title", "label", "caption", "blockName"];
  function summarize(c) {
    var li = c.name && c.closest("li.row");
    if (!li || SUMMARY.indexOf(c.name.slice(li.getAttribute("data-row").length + 1)) < 0) return;
    var row = li.getAttribute("data-row"), text = "";
    SUMMARY.some(function (k) {
      var f = $$("input, textarea", li).filter(function (x) { return x.name === row + "." + k; })[0];
      text = f ? f.value.trim() : "";
      return text !== "";
    });
    if (text.length > 60) text = text.slice(0, 60) + "…";
    var summary = $(":scope > details > summary", li), span = $(":scope > .row-summary", summary);
    if (!text) { if (span) { if (span.previousSibling && span.previousSibling.nodeType === 3) span.previousSibling.remove(); span.remove(); } return; }
    if (!span) { span = el("span", { "class": "row-summary" }); $(":scope > .row-label", summary).after(" ", span); }
    span.textContent = "— " + text;
  }

  // ---- structure helpers ------------------------------------------------
  function listOf(fs) { return $(":scope > .row-list", fs); }
  function rowsOf(fs) { return $$(":scope > .row-list > li.row", fs); }
  function fieldsetOf(li) { return li.parentElement.closest("fieldset[data-rows]"); }
  function ownLists(li) { return $$("fieldset[data-rows]", li).filter(function (fs) { return fs.closest("li.row") === li; }); }
  function template(fs, block) {
    var key = fs.getAttribute("data-key");
    return $$("template[data-row-template]", fs.form || doc).filter(function (t) {
      return t.getAttribute("data-row-template") === key && t.getAttribute("data-block") === (block || "");
    })[0] || null;
  }
  // fresh is a new row of the list fs from its template (null: none).
  function fresh(fs, block) {
    var t = template(fs, block);
    return t ? t.content.firstElementChild.cloneNode(true) : null;
  }

  // ---- renaming ---------------------------------------------------------
  var PATH_ATTRS = ["name", "data-row", "data-rows", "data-path"];
  var ID_ATTRS = ["id", "for", "aria-describedby", "aria-labelledby", "aria-controls", "aria-owns", "list", "data-rte-for", "data-counter-for"];

  // rename moves every path and id under li from the row path old to now.
  function rename(li, old, now) {
    var oldID = "f-" + old.replace(/\./g, "-"), newID = "f-" + now.replace(/\./g, "-");
    var path = function (v) { return v === old ? now : (v.indexOf(old + ".") === 0 ? now + v.slice(old.length) : v); };
    var id = function (v) {
      if (v.indexOf("row-") === 0) return "row-" + path(v.slice(4));
      return v === oldID ? newID : (v.indexOf(oldID + "-") === 0 ? newID + v.slice(oldID.length) : v);
    };
    [li].concat($$("*", li)).forEach(function (e) {
      PATH_ATTRS.forEach(function (a) { if (e.hasAttribute(a)) e.setAttribute(a, path(e.getAttribute(a))); });
      ID_ATTRS.forEach(function (a) {
        if (e.hasAttribute(a)) e.setAttribute(a, e.getAttribute(a).split(/\s+/).map(id).join(" "));
      });
      if (e.getAttribute("name") === "_op") {
        var parts = e.value.split(":");
        if (parts.length > 1) { parts[1] = path(parts[1]); e.value = parts.join(":"); }
      }
    });
  }

  // renumber names the rows of fs after their places and relabels them.
  function renumber(fs) {
    var base = fs.getAttribute("data-rows"), rows = rowsOf(fs), array = fs.classList.contains("array");
    rows.forEach(function (li, i) {
      var old = li.getAttribute("data-row"), now = base + "." + i;
      if (old !== now) rename(li, old, now);
      var name = li.getAttribute("data-label") + " " + (i + 1);
      if (array) { var lab = $(":scope > details > summary > .row-label", li); if (lab) lab.textContent = name; }
      var tools = $(":scope > .row-tools", li);
      tools.setAttribute("aria-label", name + " actions");
      $$(":scope > button[name=_op]", tools).forEach(function (b) {
        var kind = b.value.split(":")[0];
        if (kind === "up") { b.setAttribute("aria-label", "Move " + name + " up"); b.disabled = i === 0; }
        if (kind === "down") { b.setAttribute("aria-label", "Move " + name + " down"); b.disabled = i === rows.length - 1; }
        if (kind === "dup") b.setAttribute("aria-label", "Duplicate " + name);
        if (kind === "remove") b.setAttribute("aria-label", "Remove " + name);
      });
      var ins = $(":scope > .row-insert > button", li);
      if (ins) ins.setAttribute("aria-label", (array ? "Insert a row before " : "Insert a block before ") + name);
    });
    var empty = $(":scope > .empty-rows", fs);
    if (empty) empty.hidden = rows.length > 0;
  }

  // changed tells the form's listeners (unsaved guard, autosave, preview).
  function changed(fs) { fs.dispatchEvent(new Event("change", { bubbles: true })); }

  // ---- the buttons --------------------------------------------------------
  function click(form, e) {
    var b = e.target.closest("button");
    if (!b || b.disabled || !form.contains(b)) return;
    if (b.name === "_op") {
      var parts = b.value.split(":");
      if (op(form, parts[0], parts[1], parts[2] || "", b)) e.preventDefault();
      return;
    }
    if (b.hasAttribute("data-rows-all")) { toggleAll(b); return; }
    if (b.hasAttribute("data-insert")) { insertButton(b); return; }
    if (b.hasAttribute("data-insert-block")) {
      var li = b.closest("li.row");
      closeMenu(li);
      add(fieldsetOf(li), b.getAttribute("data-insert-block"), li);
    }
  }

  // op performs a row button's operation; false leaves it to the server.
  function op(form, kind, path, block, button) {
    if (kind === "add") {
      var fs = $$("fieldset[data-rows]", form).filter(function (f) { return f.getAttribute("data-rows") === path; })[0];
      return !!(fs && add(fs, block, null));
    }
    var li = button.closest("li.row");
    if (!li || li.getAttribute("data-row") !== path) return false;
    if (kind === "up" || kind === "down") { move(li, kind, button); return true; }
    if (kind === "remove") { remove(li); return true; }
    if (kind === "dup") return duplicate(li);
    return false;
  }

  // add puts a new row of block (an array row: "") into fs, before the
  // row `before` or at the end, and focuses its first field.
  function add(fs, block, before) {
    var li = fresh(fs, block);
    if (!li) return false;
    listOf(fs).insertBefore(li, before);
    decorate(li);
    renumber(fs);
    show(li);
    li.dispatchEvent(new CustomEvent(ADDED, { bubbles: true }));
    focusFirst(li);
    changed(fs);
    return true;
  }

  function move(li, kind, button) {
    var fs = fieldsetOf(li), ol = listOf(fs);
    if (kind === "up" && li.previousElementSibling) ol.insertBefore(li, li.previousElementSibling);
    else if (kind === "down" && li.nextElementSibling) ol.insertBefore(li, li.nextElementSibling.nextElementSibling);
    renumber(fs);
    // Moving a node loses its focus: give it back to the button, or to
    // the other direction's once this one is disabled at an end.
    var other = $(":scope > .row-tools > button[value^='" + (kind === "up" ? "down" : "up") + ":']", li);
    (button.disabled && other && !other.disabled ? other : button).focus();
    changed(fs);
  }

  function remove(li) {
    var fs = fieldsetOf(li);
    var next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    renumber(fs);
    var target = next ? $(":scope > details > summary", next) : $(":scope > .add-row button", fs);
    if (target) target.focus();
    changed(fs);
  }

  // duplicate puts a copy of li (nested rows and values, no row ids) after it.
  function duplicate(li) {
    var fs = fieldsetOf(li);
    var copy = fresh(fs, li.getAttribute("data-block") || "");
    if (!copy) return false;
    listOf(fs).insertBefore(copy, li.nextElementSibling);
    renumber(fs);
    if (!copyRows(li, copy)) { copy.remove(); renumber(fs); return false; }
    copyValues(li, copy);
    var sum = $(":scope > details > summary > .row-summary", li);
    if (sum) $(":scope > details > summary > .row-label", copy).after(" ", sum.cloneNode(true));
    [copy].concat($$("li.row", copy)).forEach(decorate);
    [fs].concat($$("fieldset[data-rows]", copy)).forEach(renumber);
    show(copy);
    copy.dispatchEvent(new CustomEvent(ADDED, { bubbles: true }));
    focusFirst(copy);
    changed(fs);
    return true;
  }

  // copyRows gives dst (a fresh row) the nested rows src has, recursively.
  function copyRows(src, dst) {
    var from = src.getAttribute("data-row"), to = dst.getAttribute("data-row");
    return ownLists(dst).every(function (dfs) {
      var want = from + dfs.getAttribute("data-rows").slice(to.length);
      var sfs = ownLists(src).filter(function (f) { return f.getAttribute("data-rows") === want; })[0];
      if (!sfs) return true;
      return rowsOf(sfs).every(function (srow) {
        var drow = fresh(dfs, srow.getAttribute("data-block") || "");
        if (!drow) return false;
        listOf(dfs).appendChild(drow);
        renumber(dfs);
        $(":scope > details", drow).open = $(":scope > details", srow).open;
        return copyRows(srow, drow);
      });
    });
  }

  // copyValues sets the fields of dst (same structure, renamed) to the
  // values of src's. Row ids stay empty: the copy gets its own.
  function copyValues(src, dst) {
    var from = src.getAttribute("data-row"), to = dst.getAttribute("data-row");
    var group = function (root) {
      var g = {};
      $$("input[name], select[name], textarea[name]", root).forEach(function (c) { (g[c.name] = g[c.name] || []).push(c); });
      return g;
    };
    var sg = group(src), dg = group(dst);
    Object.keys(dg).forEach(function (name) {
      if (/\.id$/.test(name)) return;
      var s = sg[from + name.slice(to.length)], d = dg[name];
      if (!s) return;
      if (s.length === d.length) { d.forEach(function (c, i) { copyControl(s[i], c); }); return; }
      // An enhancer changed the source's controls: copy what it submits.
      var vals = [];
      s.forEach(function (c) { vals = vals.concat(submitted(c)); });
      d.forEach(function (c) { setControl(c, vals); });
    });
  }

  function copyControl(s, d) {
    if (d.type === "checkbox" || d.type === "radio") d.checked = s.checked;
    else if (d.tagName === "SELECT") setControl(d, submitted(s));
    else d.value = s.value;
  }

  // submitted is what control c adds to the form data.
  function submitted(c) {
    if (c.disabled) return [];
    if (c.type === "checkbox" || c.type === "radio") return c.checked ? [c.value] : [];
    if (c.tagName === "SELECT") return Array.prototype.map.call(c.selectedOptions, function (o) { return o.value; });
    return [c.value];
  }

  function setControl(c, vals) {
    if (c.type === "checkbox" || c.type === "radio") { c.checked = vals.indexOf(c.value) >= 0; return; }
    if (c.type === "hidden") return; // the sentinel of a checkbox or list
    if (c.tagName === "SELECT") {
      vals.forEach(function (v) {
        if (!Array.prototype.some.call(c.options, function (o) { return o.value === v; })) c.appendChild(el("option", { value: v }, "#" + v));
      });
      Array.prototype.forEach.call(c.options, function (o) { o.selected = vals.indexOf(o.value) >= 0; });
      return;
    }
    c.value = vals.join(", ");
  }

  // show opens li and every row around it.
  function show(li) {
    $(":scope > details", li).open = true;
    for (var d = li.parentElement.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
  }

  // focusFirst focuses the first field of li that is shown (not the
  // hidden inputs of an editor's link bar, say), or its summary.
  function focusFirst(li) {
    var f = $$("details input:not([type=hidden]), details textarea, details select, details [contenteditable=true]", li).filter(function (e) {
      return !e.disabled && e.getAttribute("tabindex") !== "-1" && e.getClientRects().length > 0;
    })[0] || $(":scope > details > summary", li);
    f.focus();
  }

  // ---- per-row controls: insert before, drag handle ------------------------
  function decorate(li) {
    if (li.hasAttribute("data-decorated")) return;
    li.setAttribute("data-decorated", "");
    var fs = fieldsetOf(li), blocks = fs.classList.contains("blocks");
    var ins = el("div", { "class": "row-insert" });
    var b = el("button", { type: "button", "class": "btn btn-small btn-ghost", "data-insert": "" }, blocks ? "+ Insert block" : "+ Insert row");
    if (blocks) b.setAttribute("aria-expanded", "false");
    ins.appendChild(b);
    li.insertBefore(ins, li.firstChild);
    drag(li);
  }

  function insertButton(b) {
    var li = b.closest("li.row"), fs = fieldsetOf(li);
    if (!fs.classList.contains("blocks")) { add(fs, "", li); return; }
    var menu = $(":scope > .row-insert > .insert-menu", li);
    if (menu) { closeMenu(li); return; }
    menu = el("div", { "class": "insert-menu", role: "group", "aria-label": "Block to insert" });
    $$(":scope > .add-row button[data-add-block]", fs).forEach(function (a) {
      menu.appendChild(el("button", { type: "button", "class": "btn btn-small", "data-insert-block": a.getAttribute("data-add-block") }, a.textContent));
    });
    menu.addEventListener("keydown", function (e) { if (e.key === "Escape") { e.preventDefault(); closeMenu(li); b.focus(); } });
    b.after(menu);
    b.setAttribute("aria-expanded", "true");
    $("button", menu).focus();
  }

  function closeMenu(li) {
    var menu = $(":scope > .row-insert > .insert-menu", li);
    if (menu) menu.remove();
    var b = $(":scope > .row-insert > button", li);
    if (b && b.hasAttribute("aria-expanded")) b.setAttribute("aria-expanded", "false");
  }

  // ---- collapse / expand all -----------------------------------------------
  function bar(fs) {
    var box = el("div", { "class": "rows-bar" });
    box.appendChild(el("button", { type: "button", "class": "btn btn-small btn-ghost", "data-rows-all": "close" }, "Collapse all"));
    box.appendChild(el("button", { type: "button", "class": "btn btn-small btn-ghost", "data-rows-all": "open" }, "Expand all"));
    $(":scope > legend", fs).after(box);
  }

  function toggleAll(b) {
    var open = b.getAttribute("data-rows-all") === "open";
    $$("li.row > details", b.closest("fieldset[data-rows]")).forEach(function (d) { d.open = open; });
  }

  // ---- drag-and-drop reordering ------------------------------------------
  // The handle is for the mouse; the ↑/↓ buttons do the same by keyboard.
  var dragged = null;
  function drag(li) {
    var tools = $(":scope > .row-tools", li);
    var handle = el("button", { type: "button", "class": "btn btn-small drag-handle", title: "Drag to reorder", "aria-hidden": "true", tabindex: "-1" }, "⠿");
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
      if (dragged) { dragged = null; var fs = fieldsetOf(li); renumber(fs); changed(fs); }
    });
    li.addEventListener("dragover", function (e) {
      if (!dragged || dragged === li || dragged.parentNode !== li.parentNode) return;
      e.preventDefault();
      var r = li.getBoundingClientRect();
      li.parentNode.insertBefore(dragged, e.clientY < r.top + r.height / 2 ? li : li.nextSibling);
    });
    li.addEventListener("drop", function (e) { if (dragged) e.preventDefault(); });
  }
})();
