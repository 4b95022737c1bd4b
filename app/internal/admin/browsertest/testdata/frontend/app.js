// The browser tests' front end: a page of a site built on the CMS, using
// Payload's own live preview SDK the way its docs show (subscribe, ready).
// It reads the page for its path from the REST API, then renders whatever
// the SDK hands it; every message and every render is reported to the test
// server (POST /report) so the Go test can wait on them.
import { ready, subscribe } from "/lp/index.js";

const serverURL = document.documentElement.getAttribute("data-cms");
const slug = decodeURIComponent(location.pathname.slice(1));

function report(kind, body) {
  return fetch("/report", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ kind, ...body }) });
}

function render(doc) {
  document.getElementById("title").textContent = doc.title || "";
  const a = doc.author;
  document.getElementById("author").textContent = a && typeof a === "object" ? "By " + (a.name || a.email) : "";
  const blocks = document.getElementById("blocks");
  blocks.textContent = "";
  for (const b of doc.layout || []) {
    const el = document.createElement("section");
    el.className = b.blockType === "hero" ? "hero" : "block";
    const h = document.createElement("h2");
    h.textContent = b.heading || b.caption || b.blockName || b.blockType;
    el.append(h);
    if (b.subheading) { const p = document.createElement("p"); p.textContent = b.subheading; el.append(p); }
    blocks.append(el);
  }
  document.body.setAttribute("data-rendered", String(Number(document.body.getAttribute("data-rendered") || 0) + 1));
}

// Every message, raw, so the test can check the admin's side of the contract.
window.addEventListener("message", (e) => { report("message", { origin: e.origin, data: e.data }); });

const res = await fetch(`${serverURL}/api/pages?where[slug][equals]=${encodeURIComponent(slug)}&draft=true&depth=1&limit=1`, { credentials: "include" });
const initial = (await res.json()).docs[0];
if (!initial) {
  // No page has this address (yet): a real site would answer 404.
  document.getElementById("title").textContent = "Not found";
  report("notfound", {});
} else {
  render(initial);
  subscribe({
    callback: (doc) => { render(doc); report("render", { doc }); },
    depth: 1,
    initialData: initial,
    serverURL,
  });
  ready({ serverURL });
}
