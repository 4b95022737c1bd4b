// The admin's rich text editor: Lexical (the version Payload 3.90 uses) on
// every <textarea data-richtext>. The textarea stays the form field: it holds
// the Lexical editor state JSON and is what the form posts, so the page works
// without JavaScript (the textarea is then edited as JSON). The editor writes
// the textarea only once the document changed, so opening and saving a page
// keeps its rich text byte for byte.
import {
  $createParagraphNode,
  $createTextNode,
  $getRoot,
  $getSelection,
  $isElementNode,
  $isNodeSelection,
  $isRangeSelection,
  $isRootOrShadowRoot,
  $setSelection,
  CAN_REDO_COMMAND,
  CAN_UNDO_COMMAND,
  COMMAND_PRIORITY_LOW,
  FORMAT_TEXT_COMMAND,
  INDENT_CONTENT_COMMAND,
  KEY_MODIFIER_COMMAND,
  KEY_TAB_COMMAND,
  OUTDENT_CONTENT_COMMAND,
  PASTE_COMMAND,
  REDO_COMMAND,
  UNDO_COMMAND,
  createEditor,
} from "lexical";
import { $createHeadingNode, $createQuoteNode, $isHeadingNode, $isQuoteNode, registerRichText } from "@lexical/rich-text";
import {
  $isListItemNode,
  $isListNode,
  INSERT_ORDERED_LIST_COMMAND,
  INSERT_UNORDERED_LIST_COMMAND,
  REMOVE_LIST_COMMAND,
  registerList,
} from "@lexical/list";
import { createEmptyHistoryState, registerHistory } from "@lexical/history";
import { $setBlocksType } from "@lexical/selection";
import { $insertGeneratedNodes } from "@lexical/clipboard";
import { $generateNodesFromDOM } from "@lexical/html";
import { $findMatchingParent, $insertNodeToNearestRoot, mergeRegister } from "@lexical/utils";
import { $createLinkNode, $createUploadNode, $isLinkNode, $setLink, NODES, registerCleanup, safeURL, uploadID } from "./nodes.js";
import { cleanPastedHTML, parse } from "./paste.js";

const doc = document;

function el(tag, attrs, kids) {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== false && v != null) e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids || []) e.append(c);
  return e;
}

const SLUG = /^[a-z0-9][a-z0-9_-]*$/;
// The image button's media drawer (pickers.js's, the one upload fields
// open): a data-pick config for the upload collection, images only, from
// the registry via <html data-image-pick>.
const IMAGE_PICK = (() => {
  try {
    const v = JSON.parse(doc.documentElement.getAttribute("data-image-pick") || "null");
    return v && Array.isArray(v.targets) && v.targets.length && SLUG.test(v.targets[0].slug) ? v : null;
  } catch { return null; }
})();
// The collections internal links may target ([{slug, label, title}]), from
// the registry via <html data-link-targets>.
const LINK_TARGETS = (() => {
  try {
    const v = JSON.parse(doc.documentElement.getAttribute("data-link-targets") || "[]");
    return Array.isArray(v) ? v.filter((c) => c && SLUG.test(c.slug) && /^[A-Za-z0-9_.]+$/.test(c.title)) : [];
  } catch { return []; }
})();

async function getJSON(url) {
  const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(url + ": " + r.status);
  return r.json();
}

// loadUpload shows an upload node's image (the theme hook UploadNode calls).
function loadUpload(data, img) {
  const id = uploadID(data.value);
  if (!SLUG.test(data.relationTo || "") || !/^\d+$/.test(String(id))) return;
  getJSON("/api/" + data.relationTo + "/" + id + "?depth=0").then((m) => {
    const src = m.thumbnailURL || m.url;
    if (src && /^image\//.test(m.mimeType || "")) img.src = src;
    img.alt = m.alt || m.filename || "";
    img.parentNode && img.parentNode.setAttribute("title", m.filename || "");
  }).catch(() => { img.alt = "Missing upload #" + id; });
}

const THEME = {
  paragraph: "rte-p",
  quote: "rte-quote",
  heading: { h1: "rte-h1", h2: "rte-h2", h3: "rte-h3", h4: "rte-h4", h5: "rte-h5", h6: "rte-h6" },
  list: { ul: "rte-ul", ol: "rte-ol", listitem: "rte-li", nested: { listitem: "rte-nested" } },
  link: "rte-link",
  text: {
    bold: "rte-bold", italic: "rte-italic", underline: "rte-underline", strikethrough: "rte-strike",
    underlineStrikethrough: "rte-underline-strike", code: "rte-code", subscript: "rte-sub", superscript: "rte-sup",
  },
  loadUpload,
};

// isEmpty: nothing but one empty paragraph (stored as an empty field).
function isEmpty(json) {
  const kids = json.root.children;
  return kids.length === 0 || (kids.length === 1 && kids[0].type === "paragraph" && kids[0].children.length === 0);
}

// The toolbar: [label, title, command name]; the name is data-cmd.
const BLOCKS = [["¶", "Paragraph", "paragraph"], ["H1", "Heading 1", "h1"], ["H2", "Heading 2", "h2"], ["H3", "Heading 3", "h3"],
  ["H4", "Heading 4", "h4"], ["❝", "Quote", "quote"], ["• List", "Bulleted list", "bullet"], ["1. List", "Numbered list", "number"]];
const FORMATS = [["B", "Bold (Ctrl+B)", "bold"], ["I", "Italic (Ctrl+I)", "italic"], ["U", "Underline (Ctrl+U)", "underline"],
  ["S", "Strikethrough", "strikethrough"], ["</>", "Code", "code"]];

function mount(area) {
  const original = area.value;
  const raw = original.trim();
  let initial = null;
  if (raw) {
    try { initial = JSON.parse(raw); } catch { return; } // invalid JSON stays in the visible textarea
  }
  const editor = createEditor({
    namespace: "chronos-" + area.id,
    nodes: NODES,
    theme: THEME,
    onError: (e) => { throw e; },
  });
  if (initial) {
    try {
      editor.setEditorState(editor.parseEditorState(initial), { tag: "history-merge" });
    } catch (e) {
      // Node types this editor does not have (blocks, relationships, …):
      // editing here would drop them, so the JSON stays editable as text.
      area.after(el("p", { class: "help", "data-rte-unsupported": "", text: "This rich text uses features the visual editor does not support (" + e.message.slice(0, 120) + "); it is shown as Lexical JSON." }));
      return;
    }
  }

  const label = doc.querySelector("label[for='" + area.id + "']");
  if (label && !label.id) label.id = area.id + "-label";
  const body = el("div", { class: "rte-body", contenteditable: "true", role: "textbox", "aria-multiline": "true", spellcheck: "true",
    "aria-labelledby": label ? label.id : false, "data-lexical": "" });
  const buttons = {};
  const button = (label, title, cmd, run) => {
    const b = el("button", { type: "button", title, "aria-label": title, "data-cmd": cmd, text: label,
      onmousedown: (e) => e.preventDefault(), onclick: run });
    buttons[cmd] = b;
    return b;
  };
  const toolbar = el("div", { class: "rte-toolbar", role: "toolbar", "aria-label": "Formatting", "aria-controls": area.id });
  const group = (...kids) => toolbar.append(el("span", { class: "rte-group" }, kids));

  const setBlock = (type) => () => {
    editor.update(() => {
      const s = $getSelection();
      if (!$isRangeSelection(s)) return;
      if (type === "bullet" || type === "number") {
        const list = currentList(s);
        editor.dispatchCommand(list && list.getListType() === type ? REMOVE_LIST_COMMAND : type === "bullet" ? INSERT_UNORDERED_LIST_COMMAND : INSERT_ORDERED_LIST_COMMAND, undefined);
        return;
      }
      $setBlocksType(s, () => type === "paragraph" ? $createParagraphNode() : type === "quote" ? $createQuoteNode() : $createHeadingNode(type));
    });
    editor.focus();
  };
  group(...BLOCKS.map(([l, t, c]) => button(l, t, c, setBlock(c))));
  group(button("⇥", "Indent (Tab in a list)", "indent", () => { editor.dispatchCommand(INDENT_CONTENT_COMMAND, undefined); editor.focus(); }),
    button("⇤", "Outdent (Shift+Tab in a list)", "outdent", () => { editor.dispatchCommand(OUTDENT_CONTENT_COMMAND, undefined); editor.focus(); }));
  group(...FORMATS.map(([l, t, c]) => button(l, t, c, () => { editor.dispatchCommand(FORMAT_TEXT_COMMAND, c); editor.focus(); })));

  // Links: external URL or a page, edited in a bar under the toolbar.
  let savedSelection = null;
  const linkType = el("select", { "aria-label": "Link to", "data-link-type": "" }, [
    el("option", { value: "custom", text: "Web address" }),
    ...LINK_TARGETS.map((c) => el("option", { value: "internal:" + c.slug, text: c.label }))]);
  const linkURL = el("input", { type: "text", placeholder: "https://… or /path", "aria-label": "Link URL", class: "rte-link-url", "data-link-url": "" });
  const pageSearch = el("input", { type: "search", placeholder: "Search…", "aria-label": "Search documents", "data-link-search": "", hidden: true });
  const pageSelect = el("select", { "aria-label": "Page", "data-link-page": "", hidden: true });
  const newTab = el("input", { type: "checkbox", "data-link-newtab": "" });
  const linkError = el("span", { class: "field-error", role: "alert", hidden: true });
  const linkBar = el("div", { class: "rte-linkbar", hidden: true, role: "group", "aria-label": "Link" }, [
    linkType, linkURL, pageSearch, pageSelect, el("label", { class: "rte-newtab" }, [newTab, " New tab"]),
    el("button", { type: "button", class: "btn btn-small", "data-cmd": "apply-link", text: "Apply link", onclick: () => applyLink() }),
    el("button", { type: "button", class: "btn btn-small", "data-cmd": "unlink", text: "Remove link", onclick: () => { closeLink(); withSaved(() => $setLink(null)); } }),
    el("button", { type: "button", class: "btn btn-small btn-ghost", text: "Cancel", onclick: () => closeLink() }),
    linkError]);
  const showType = () => {
    const internal = target() !== null;
    linkURL.hidden = internal; pageSearch.hidden = !internal; pageSelect.hidden = !internal;
    if (internal) searchPages(pageSearch.value);
  };
  // target is the collection an internal link goes to, or null for a URL.
  const target = () => LINK_TARGETS.find((c) => "internal:" + c.slug === linkType.value) || null;
  let searchSeq = 0;
  const searchPages = (q, keep) => {
    const seq = ++searchSeq;
    const col = target();
    const title = col.title;
    const where = q.trim() && title !== "id" ? "&where[" + title + "][like]=" + encodeURIComponent(q.trim()) : "";
    getJSON("/api/" + col.slug + "?limit=20&depth=0&sort=" + title + where).then((res) => {
      if (seq !== searchSeq) return; // a newer search answered first
      pageSelect.textContent = "";
      for (const p of res.docs || []) {
        pageSelect.append(el("option", { value: String(p.id), "data-title": String(p[title] || "#" + p.id),
          text: String(p[title] || "Untitled #" + p.id) + (typeof p.slug === "string" ? " — /" + p.slug : "") }));
      }
      if (keep != null) {
        if (!Array.from(pageSelect.options).some((o) => o.value === String(keep))) pageSelect.append(el("option", { value: String(keep), "data-title": "#" + keep, text: "#" + keep }));
        pageSelect.value = String(keep);
      }
      if (!pageSelect.options.length) pageSelect.append(el("option", { value: "", text: "Nothing found" }));
      pageSelect.setAttribute("data-loaded", String(seq));
    }).catch(() => { linkError.hidden = false; linkError.textContent = "Could not load " + col.label + "."; });
  };
  linkType.addEventListener("change", showType);
  pageSearch.addEventListener("input", () => searchPages(pageSearch.value));
  const withSaved = (fn) => {
    editor.update(() => {
      if (savedSelection) $setSelection(savedSelection.clone());
      fn();
    });
    editor.focus();
  };
  const openLink = () => {
    let fields = null;
    editor.getEditorState().read(() => {
      const s = $getSelection();
      savedSelection = s ? s.clone() : null;
      if ($isRangeSelection(s)) {
        const link = $findMatchingParent(s.anchor.getNode(), $isLinkNode);
        if (link) fields = link.getFields();
      }
    });
    linkError.hidden = true;
    const rel = fields && fields.linkType === "internal" && fields.doc ? "internal:" + fields.doc.relationTo : "custom";
    linkType.value = Array.from(linkType.options).some((o) => o.value === rel) ? rel : "custom";
    linkURL.value = (fields && fields.url) || "";
    newTab.checked = !!(fields && fields.newTab);
    linkBar.hidden = false;
    const docID = fields && fields.doc ? uploadID(fields.doc.value) : null;
    linkURL.hidden = target() !== null; pageSearch.hidden = !linkURL.hidden; pageSelect.hidden = !linkURL.hidden;
    if (target()) searchPages("", docID);
    (target() ? pageSearch : linkURL).focus();
  };
  const closeLink = () => { linkBar.hidden = true; editor.focus(); };
  const applyLink = () => {
    let fields;
    const col = target();
    if (col) {
      if (!/^\d+$/.test(pageSelect.value)) { linkError.hidden = false; linkError.textContent = "Choose a document to link to."; pageSearch.focus(); return; }
      fields = { doc: { relationTo: col.slug, value: Number(pageSelect.value) }, linkType: "internal", newTab: newTab.checked };
    } else {
      const url = linkURL.value.trim();
      if (!safeURL(url)) { linkError.hidden = false; linkError.textContent = "Enter a web address (https://…), a path (/…), mailto: or tel:."; linkURL.focus(); return; }
      fields = { linkType: "custom", newTab: newTab.checked, url };
    }
    const label = col ? pageSelect.options[pageSelect.selectedIndex].getAttribute("data-title") : fields.url;
    linkBar.hidden = true;
    withSaved(() => {
      const s = $getSelection();
      if ($isRangeSelection(s) && s.isCollapsed() && !$findMatchingParent(s.anchor.getNode(), $isLinkNode)) {
        // Nothing selected: insert the link with its target as the text.
        const link = $createLinkNode(fields).append($createTextNode(label));
        s.insertNodes([link]);
        link.selectEnd();
        return;
      }
      $setLink(fields);
      // Typing goes on after the link, not over its text.
      const after = $getSelection();
      if ($isRangeSelection(after)) {
        const { key, offset, type } = after.isBackward() ? after.anchor : after.focus;
        after.anchor.set(key, offset, type);
        after.focus.set(key, offset, type);
      }
    });
  };
  for (const input of [linkURL, pageSearch, pageSelect]) {
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); applyLink(); }
      if (e.key === "Escape") { e.preventDefault(); closeLink(); }
    });
  }
  group(button("Link", "Link (Ctrl+K)", "link", openLink),
    button("Image", "Insert an image", "upload", () => {
      let sel = null;
      editor.getEditorState().read(() => { const s = $getSelection(); sel = s ? s.clone() : null; });
      const relationTo = IMAGE_PICK.targets[0].slug;
      // pickers.js (loaded after this bundle) provides the drawer.
      const pickers = window.chronosPickers;
      if (!pickers) return;
      pickers.mediaDrawer(IMAGE_PICK, buttons.upload, (m) => {
        if (!/^\d+$/.test(m.value)) return;
        editor.update(() => {
          if (sel) $setSelection(sel.clone());
          $insertNodeToNearestRoot($createUploadNode({ fields: null, relationTo, value: Number(m.value) }));
        });
      }, () => editor.focus());
    }));
  group(button("↶", "Undo (Ctrl+Z)", "undo", () => editor.dispatchCommand(UNDO_COMMAND, undefined)),
    button("↷", "Redo (Ctrl+Shift+Z)", "redo", () => editor.dispatchCommand(REDO_COMMAND, undefined)));
  buttons.upload.hidden = !IMAGE_PICK; // no upload collection: no images
  buttons.undo.disabled = true;
  buttons.redo.disabled = true;

  const wrap = el("div", { class: "rte", "data-rte-for": area.id }, [toolbar, linkBar, body]);
  area.classList.add("enhanced");
  area.setAttribute("tabindex", "-1");
  area.before(wrap);
  editor.setRootElement(body);
  if (!initial) editor.update(() => { if ($getRoot().getChildrenSize() === 0) $getRoot().append($createParagraphNode()); }, { tag: "history-merge" });

  // The stored text is kept until the document really changes (undoing
  // back to the start gives the stored text again, byte for byte).
  let base = null;
  editor.getEditorState().read(() => { base = JSON.stringify(editor.getEditorState().toJSON()); });
  const sync = (state) => {
    const json = state.toJSON();
    const s = JSON.stringify(json);
    if (s === base) area.value = original;
    else area.value = isEmpty(json) ? "" : s;
  };

  mergeRegister(
    registerRichText(editor),
    registerList(editor),
    registerHistory(editor, createEmptyHistoryState(), 300),
    registerCleanup(editor),
    editor.registerUpdateListener(({ editorState, dirtyElements, dirtyLeaves }) => {
      if (dirtyElements.size || dirtyLeaves.size) sync(editorState);
      editorState.read(() => paint());
    }),
    editor.registerCommand(CAN_UNDO_COMMAND, (can) => { buttons.undo.disabled = !can; return false; }, COMMAND_PRIORITY_LOW),
    editor.registerCommand(CAN_REDO_COMMAND, (can) => { buttons.redo.disabled = !can; return false; }, COMMAND_PRIORITY_LOW),
    // Tab nests a list item (Shift+Tab un-nests); elsewhere it moves the
    // focus on, so the keyboard never gets trapped in the editor.
    editor.registerCommand(KEY_TAB_COMMAND, (e) => {
      const s = $getSelection();
      if (!$isRangeSelection(s) || !$findMatchingParent(s.anchor.getNode(), $isListItemNode)) return false;
      e.preventDefault();
      editor.dispatchCommand(e.shiftKey ? OUTDENT_CONTENT_COMMAND : INDENT_CONTENT_COMMAND, undefined);
      return true;
    }, COMMAND_PRIORITY_LOW),
    editor.registerCommand(KEY_MODIFIER_COMMAND, (e) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") { e.preventDefault(); openLink(); return true; }
      return false;
    }, COMMAND_PRIORITY_LOW),
    // HTML from outside (Word, Docs, web pages) is cleaned first; Lexical's
    // own clipboard format and plain text take Lexical's paths.
    editor.registerCommand(PASTE_COMMAND, (e) => {
      const dt = e.clipboardData;
      if (!dt || dt.types.includes("application/x-lexical-editor")) return false;
      const html = dt.getData("text/html");
      if (!html) return false;
      const s = $getSelection();
      if (!$isRangeSelection(s) && !$isNodeSelection(s)) return false;
      e.preventDefault();
      const parsed = cleanPastedHTML(parse(html));
      $insertGeneratedNodes(editor, $generateNodesFromDOM(editor, parsed), s);
      return true;
    }, COMMAND_PRIORITY_LOW),
  );
  sync(editor.getEditorState());

  // paint shows which block type and formats the selection has.
  function paint() {
    const s = $getSelection();
    if (!$isRangeSelection(s)) return;
    const list = currentList(s);
    let block = list ? list.getListType() : "paragraph";
    if (!list) {
      const top = $findMatchingParent(s.anchor.getNode(), (n) => { const p = n.getParent(); return p !== null && $isRootOrShadowRoot(p); });
      if ($isHeadingNode(top)) block = top.getTag();
      else if ($isQuoteNode(top)) block = "quote";
    }
    for (const [, , c] of BLOCKS) buttons[c].setAttribute("aria-pressed", String(c === block));
    for (const [, , c] of FORMATS) buttons[c].setAttribute("aria-pressed", String(s.hasFormat(c)));
    buttons.link.setAttribute("aria-pressed", String(!!$findMatchingParent(s.anchor.getNode(), $isLinkNode)));
    wrap.setAttribute("data-block", block);
    wrap.setAttribute("data-selected", String(s.getTextContent().length));
  }
}

// currentList is the innermost list around the selection's anchor.
function currentList(s) {
  const item = $findMatchingParent(s.anchor.getNode(), $isListItemNode);
  const list = item ? item.getParent() : null;
  return $isListNode(list) ? list : null;
}

function start() {
  for (const area of doc.querySelectorAll("textarea[data-richtext]")) mount(area);
  // Rows added in place (blocks.js) bring their own rich text fields.
  doc.addEventListener("chronos:rows-added", (e) => {
    for (const area of e.target.querySelectorAll("textarea[data-richtext]:not(.enhanced)")) mount(area);
  });
}
if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
else start();
