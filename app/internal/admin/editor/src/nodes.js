// The Lexical nodes of the admin's rich text, with Payload's JSON shapes:
// headings, quotes and lists are Lexical's own; links and uploads are
// Payload's (@payloadcms/richtext-lexical 3.x: LinkNode with `fields` and a
// BSON ObjectId `id`, version 3; UploadServerNode {relationTo, value,
// fields, id}, version 3). This module touches no DOM when imported, so the
// same classes run in the browser bundle and in @lexical/headless under Node
// (the browser test re-serialises stored JSON with them).
import {
  $applyNodeReplacement,
  $createParagraphNode,
  $getSelection,
  $isElementNode,
  $isRangeSelection,
  DecoratorNode,
  ElementNode,
  ParagraphNode,
  TextNode,
} from "lexical";
import { HeadingNode, QuoteNode } from "@lexical/rich-text";
import { ListItemNode, ListNode } from "@lexical/list";

// Text formats the admin keeps (Lexical's bits: bold 1, italic 2,
// strikethrough 4, underline 8, code 16, subscript 32, superscript 64).
export const ALLOWED_TEXT_FORMAT = 127;

// objectID returns a BSON ObjectId as 24 hex digits, as Payload's nodes use
// for their `id` (4 bytes of seconds, 8 random bytes).
export function objectID() {
  const b = new Uint8Array(12);
  globalThis.crypto.getRandomValues(b);
  const t = Math.floor(Date.now() / 1000);
  b[0] = (t >>> 24) & 255; b[1] = (t >>> 16) & 255; b[2] = (t >>> 8) & 255; b[3] = t & 255;
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

// safeURL reports whether a custom link may point at url: web, mail and
// phone links and same-site paths; never javascript: or data:.
export function safeURL(url) {
  return /^(https?:\/\/[^\s]+|mailto:[^\s]+|tel:[^\s]+|\/[^\s]*|#[^\s]*)$/i.test(url || "");
}

// linkFields normalises a link's fields as Payload's exportJSON does: an
// internal link has no url, a custom link no doc.
function linkFields(fields) {
  const f = { ...(fields || { linkType: "custom", newTab: false }) };
  if (f.linkType === "internal") delete f.url;
  else if (f.linkType === "custom") delete f.doc;
  return f;
}

export class LinkNode extends ElementNode {
  static getType() { return "link"; }

  static clone(node) { return new LinkNode(node.__fields, node.__id, node.__key); }

  constructor(fields, id, key) {
    super(key);
    this.__fields = fields || { linkType: "custom", newTab: false, url: "" };
    this.__id = id || "";
  }

  static importJSON(json) { return $createLinkNode().updateFromJSON(json); }

  updateFromJSON(json) {
    const n = super.updateFromJSON(json);
    const w = n.getWritable();
    w.__fields = json.fields || { linkType: "custom", newTab: false, url: "" };
    w.__id = json.id || objectID();
    return n;
  }

  exportJSON() {
    const out = { ...super.exportJSON(), type: "link", fields: linkFields(this.getFields()), version: 3 };
    const id = this.getID();
    if (id) out.id = id;
    return out;
  }

  static importDOM() {
    return {
      a: () => ({
        priority: 1,
        conversion: (a) => {
          const url = a.getAttribute("href") || "";
          if (!a.textContent || !safeURL(url)) return { node: null };
          return { node: $createLinkNode({ linkType: "custom", newTab: a.getAttribute("target") === "_blank", url }) };
        },
      }),
    };
  }

  exportDOM() {
    const a = document.createElement("a");
    const f = this.getFields();
    if (f.linkType === "custom" && safeURL(f.url)) a.setAttribute("href", f.url);
    if (f.newTab) a.setAttribute("target", "_blank");
    return { element: a };
  }

  createDOM() {
    const a = document.createElement("a");
    this.paint(a);
    return a;
  }

  updateDOM(prev, a) {
    this.paint(a);
    return false;
  }

  // paint shows the link: a custom URL as href (if safe), an internal link
  // as data-link-doc ("pages:12"); links never navigate while editing.
  paint(a) {
    const f = this.__fields;
    a.removeAttribute("href");
    a.removeAttribute("data-link-doc");
    if (f.linkType === "internal" && f.doc) {
      const v = f.doc.value && typeof f.doc.value === "object" ? f.doc.value.id : f.doc.value;
      a.setAttribute("data-link-doc", f.doc.relationTo + ":" + v);
      a.setAttribute("title", "Link to " + f.doc.relationTo + " #" + v);
    } else if (safeURL(f.url)) {
      a.setAttribute("href", f.url);
      a.setAttribute("title", f.url);
    }
    if (f.newTab) a.setAttribute("target", "_blank"); else a.removeAttribute("target");
  }

  getFields() { return this.getLatest().__fields; }
  getID() { return this.getLatest().__id; }
  setFields(fields) { const w = this.getWritable(); w.__fields = fields; return w; }

  insertNewAfter(selection, restoreSelection = true) {
    const el = this.getParentOrThrow().insertNewAfter(selection, restoreSelection);
    if ($isElementNode(el)) {
      const link = $createLinkNode(this.__fields);
      el.append(link);
      return link;
    }
    return null;
  }

  canInsertTextBefore() { return false; }
  canInsertTextAfter() { return false; }
  canBeEmpty() { return false; }
  isInline() { return true; }

  extractWithChild(child, selection) {
    if (!$isRangeSelection(selection)) return false;
    return this.isParentOf(selection.anchor.getNode()) && this.isParentOf(selection.focus.getNode()) &&
      selection.getTextContent().length > 0;
  }
}

export function $createLinkNode(fields, id) {
  return $applyNodeReplacement(new LinkNode(fields, id || objectID()));
}

export function $isLinkNode(node) { return node instanceof LinkNode; }

// $setLink links the selected text with fields, or unlinks it when fields
// is null (Payload's $toggleLink, for a range selection).
export function $setLink(fields) {
  const selection = $getSelection();
  if (!$isRangeSelection(selection)) return;
  const nodes = selection.extract();
  if (fields === null) {
    nodes.forEach((node) => {
      const parent = node.getParent();
      if ($isLinkNode(parent)) {
        parent.getChildren().forEach((c) => parent.insertBefore(c));
        parent.remove();
      }
    });
    return;
  }
  if (nodes.length === 1) {
    const existing = $isLinkNode(nodes[0]) ? nodes[0] : linkAncestor(nodes[0]);
    if (existing) { existing.setFields(fields); return; }
  }
  let prevParent = null;
  let link = null;
  nodes.forEach((node) => {
    const parent = node.getParent();
    if (parent === link || parent === null || ($isElementNode(node) && !node.isInline())) return;
    if ($isLinkNode(parent)) { link = parent; parent.setFields(fields); return; }
    if (!parent.is(prevParent)) {
      prevParent = parent;
      link = $createLinkNode(fields);
      node.insertBefore(link);
    }
    if ($isLinkNode(node)) {
      if (node.is(link)) return;
      link.append(...node.getChildren());
      node.remove();
      return;
    }
    link.append(node);
  });
}

function linkAncestor(node) {
  for (let p = node.getParent(); p !== null; p = p.getParent()) if ($isLinkNode(p)) return p;
  return null;
}

// UploadNode is an inline image (or file) from an upload collection, a
// block of its own in the document.
export class UploadNode extends DecoratorNode {
  static getType() { return "upload"; }

  static clone(node) { return new UploadNode(node.__data, node.__format, node.__key); }

  constructor(data, format, key) {
    super(key);
    this.__data = data;
    this.__format = format || "";
  }

  static importJSON(json) {
    const n = $createUploadNode({ id: json.id, fields: json.fields === undefined ? null : json.fields, relationTo: json.relationTo, value: json.value });
    n.getWritable().__format = json.format || "";
    return n;
  }

  exportJSON() {
    const d = this.getData();
    return { ...super.exportJSON(), format: this.getLatest().__format || "", id: d.id, fields: d.fields, relationTo: d.relationTo, value: d.value, type: "upload", version: 3 };
  }

  static importDOM() {
    return {
      img: () => ({
        priority: 0,
        conversion: (img) => {
          const id = img.getAttribute("data-lexical-upload-id");
          const rel = img.getAttribute("data-lexical-upload-relation-to");
          // Only images of this CMS; a pasted foreign <img> is dropped.
          if (!id || !rel || !/^\d+$/.test(id)) return { node: null };
          return { node: $createUploadNode({ fields: null, relationTo: rel, value: Number(id) }) };
        },
      }),
    };
  }

  exportDOM() {
    const img = document.createElement("img");
    const d = this.getData();
    img.setAttribute("data-lexical-upload-id", String(uploadID(d.value)));
    img.setAttribute("data-lexical-upload-relation-to", d.relationTo);
    return { element: img };
  }

  createDOM(config) {
    const div = document.createElement("div");
    div.className = "rte-upload";
    div.contentEditable = "false";
    const d = this.__data;
    div.setAttribute("data-upload", d.relationTo + ":" + uploadID(d.value));
    const img = document.createElement("img");
    img.alt = "";
    div.appendChild(img);
    const load = config && config.theme && config.theme.loadUpload;
    if (load) load(d, img);
    return div;
  }

  updateDOM() { return false; }
  decorate() { return null; }
  isInline() { return false; }
  getData() { return this.getLatest().__data; }
}

export function uploadID(value) { return value && typeof value === "object" ? value.id : value; }

export function $createUploadNode(data) {
  return $applyNodeReplacement(new UploadNode({ ...data, id: data.id || objectID() }));
}

export function $isUploadNode(node) { return node instanceof UploadNode; }

// NODES are the node classes every editor of the admin registers.
export const NODES = [HeadingNode, QuoteNode, ListNode, ListItemNode, LinkNode, UploadNode];

// registerCleanup keeps a document to what the admin edits, whatever was
// pasted or loaded: text loses inline styles and formats outside
// ALLOWED_TEXT_FORMAT; an upload outside the root moves to the root.
export function registerCleanup(editor) {
  const unText = editor.registerNodeTransform(TextNode, (node) => {
    if (node.getStyle() !== "") node.setStyle("");
    const f = node.getFormat();
    if (f & ~ALLOWED_TEXT_FORMAT) node.setFormat(f & ALLOWED_TEXT_FORMAT);
  });
  const unPara = editor.registerNodeTransform(ParagraphNode, (node) => {
    if (node.getTextStyle && node.getTextStyle() !== "") node.setTextStyle("");
    const f = node.getTextFormat ? node.getTextFormat() : 0;
    if (f & ~ALLOWED_TEXT_FORMAT) node.setTextFormat(f & ALLOWED_TEXT_FORMAT);
  });
  const unUpload = editor.registerNodeTransform(UploadNode, (node) => {
    const parent = node.getParent();
    if (parent && parent.getType() !== "root") {
      let top = node;
      while (top.getParent() && top.getParent().getType() !== "root") top = top.getParent();
      top.insertAfter(node);
      if (top.getTextContent() === "" && $isElementNode(top) && top.getChildrenSize() === 0) top.replace($createParagraphNode());
    }
  });
  return () => { unText(); unPara(); unUpload(); };
}
