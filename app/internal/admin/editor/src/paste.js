// Pasted HTML from Word, Google Docs and web pages, cleaned before Lexical
// imports it: what the admin does not edit (styles of blocks, classes,
// comments, Office's o:p and list markers, foreign images) goes, and Word's
// list paragraphs become real (nested) lists. Lexical's importDOM then maps
// what is left onto the registered nodes, and registerCleanup strips the
// rest (inline styles, unknown formats).

// The admin's strict CSP (style-src 'self') applies to documents parsed
// from pasted HTML too: a style attribute or <style> element there is a
// CSP violation and is not applied. So parse() renames style attributes to
// data-style and drops <style> before parsing, and cleanPastedHTML turns the
// formats in data-style (how Google Docs marks bold and italic) into tags.
const STYLE_ATTR = "data-style";

// parse returns the body of pasted html, parsed without applying styles.
export function parse(html) {
  const safe = html
    .replace(/<style[\s\S]*?<\/style\s*>/gi, "")
    .replace(/(<[a-z][^<>]*?\s)style(\s*=)/gi, "$1" + STYLE_ATTR + "$2");
  return new DOMParser().parseFromString(safe, "text/html").body;
}

// Formats read from a data-style, as the tags Lexical imports.
const STYLE_TAGS = [
  [/font-weight:\s*(bold|[6-9]00)/i, "b"],
  [/font-style:\s*italic/i, "i"],
  [/text-decoration[a-z-]*:[^;]*underline/i, "u"],
  [/text-decoration[a-z-]*:[^;]*line-through/i, "s"],
  [/vertical-align:\s*super/i, "sup"],
  [/vertical-align:\s*sub/i, "sub"],
];

const DROP = new Set(["STYLE", "SCRIPT", "META", "LINK", "TITLE", "XML", "OBJECT", "IFRAME", "svg", "SVG", "TEMPLATE"]);

// wordList returns {level, ordered} for a Word list paragraph, or null.
function wordList(el) {
  if (el.tagName !== "P") return null;
  const style = el.getAttribute(STYLE_ATTR) || "";
  const m = /mso-list:\s*l\d+\s+level(\d+)/i.exec(style);
  if (!m && !/MsoListParagraph/.test(el.className || "")) return null;
  const marker = markerOf(el);
  const text = marker ? marker.textContent.replace(/\s+/g, "") : "";
  return { level: m ? Number(m[1]) : 1, ordered: /^[0-9a-zA-Z]{1,4}[.)]$/.test(text), marker };
}

// markerOf finds the element Word puts the bullet or number in
// (<span style="mso-list:Ignore">, sometimes behind a conditional comment).
function markerOf(p) {
  for (const span of p.querySelectorAll("span")) {
    if (/mso-list:\s*ignore/i.test(span.getAttribute(STYLE_ATTR) || "")) return span;
  }
  return null;
}

// cleanPastedHTML rewrites a body from parse() in place and returns it.
export function cleanPastedHTML(body) {
  const doc = body.ownerDocument;
  const walk = (node) => {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType === 8) { child.remove(); continue; } // comments (Word's <!--[if !supportLists]-->)
      if (child.nodeType !== 1) continue;
      const tag = child.tagName.toUpperCase();
      if (DROP.has(child.tagName) || DROP.has(tag)) { child.remove(); continue; }
      if (tag.includes(":")) { // o:p, v:shape, w:…
        if (tag === "O:P") child.remove(); else child.replaceWith(...child.childNodes);
        continue;
      }
      walk(child);
    }
  };
  // Word lists first: their markers are found by style, removed below.
  wordLists(body, doc);
  walk(body);
  // Google Docs wraps the clipboard in <b style="font-weight:normal">.
  for (const b of body.querySelectorAll("b")) {
    if (/font-weight:\s*(normal|400)/i.test(b.getAttribute(STYLE_ATTR) || "")) b.replaceWith(...b.childNodes);
  }
  for (const el of Array.from(body.querySelectorAll("*"))) {
    const style = el.getAttribute(STYLE_ATTR) || "";
    for (const name of Array.from(el.attributes, (a) => a.name)) {
      if (name !== "href" && name !== "target" && name !== "start" && name !== "value") el.removeAttribute(name);
    }
    // Inline formats become tags around the element's content.
    if (/^(SPAN|FONT|A|B|I|EM|STRONG|U|S|SUB|SUP|CODE)$/.test(el.tagName.toUpperCase())) {
      for (const [re, tag] of STYLE_TAGS) {
        if (!re.test(style)) continue;
        const w = doc.createElement(tag);
        w.append(...el.childNodes);
        el.append(w);
      }
    }
  }
  return body;
}

// wordLists turns runs of Word list paragraphs into <ul>/<ol> with <li>,
// nesting by mso-list level.
function wordLists(body, doc) {
  const paragraphs = Array.from(body.querySelectorAll("p"));
  let stack = []; // [{level, list, lastItem}]
  let prev = null;
  for (const p of paragraphs) {
    const info = wordList(p);
    if (!info) { stack = []; prev = null; continue; }
    // A run continues only through adjacent siblings.
    if (prev && p.previousElementSibling !== prev) stack = [];
    if (info.marker) info.marker.remove();
    const li = doc.createElement("li");
    li.append(...p.childNodes);
    while (stack.length && stack[stack.length - 1].level > info.level) stack.pop();
    let top = stack[stack.length - 1];
    if (!top || top.level < info.level) {
      const list = doc.createElement(info.ordered ? "ol" : "ul");
      if (top && top.lastItem) top.lastItem.appendChild(list);
      else p.before(list);
      top = { level: info.level, list, lastItem: null };
      stack.push(top);
    }
    top.list.appendChild(li);
    top.lastItem = li;
    const placeholder = doc.createElement("span");
    p.replaceWith(placeholder); // keeps adjacency for the next paragraph
    prev = placeholder;
    placeholder.setAttribute("data-word-list", "");
  }
  for (const s of body.querySelectorAll("span[data-word-list]")) s.remove();
}
