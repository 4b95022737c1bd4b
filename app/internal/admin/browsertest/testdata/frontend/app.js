// The browser tests' front end: a page of a site built on the CMS, using
// Payload's own live preview SDK the way its docs show (subscribe, ready).
// It reads the page for its path (on the home page, the header global)
// from the REST API, then renders whatever
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

// The header's links (the header global, as its live preview shows it on
// the home page).
function renderNav(header) {
  const nav = document.getElementById("nav");
  nav.textContent = "";
  for (const item of header.navItems || []) {
    const l = item.link || {};
    const a = document.createElement("a");
    const ref = l.reference && typeof l.reference.value === "object" ? l.reference.value : null;
    a.href = l.type === "custom" ? l.url || "#" : ref ? "/" + (ref.slug || "") : "#";
    a.textContent = l.label || "";
    nav.append(a);
  }
  document.body.setAttribute("data-nav-rendered", String(Number(document.body.getAttribute("data-nav-rendered") || 0) + 1));
}

// live subscribes the page to the admin's live preview messages.
function live(initialData, show) {
  subscribe({
    callback: (doc) => { show(doc); report("render", { doc }); },
    depth: 1,
    initialData,
    serverURL,
  });
  ready({ serverURL });
}

if (slug === "") {
  // The home page: it shows (and previews) the header global.
  const header = await (await fetch(`${serverURL}/api/globals/header?draft=true&depth=1`, { credentials: "include" })).json();
  document.getElementById("title").textContent = "Home";
  renderNav(header);
  live(header, renderNav);
} else {
  const res = await fetch(`${serverURL}/api/pages?where[slug][equals]=${encodeURIComponent(slug)}&draft=true&depth=1&limit=1`, { credentials: "include" });
  const initial = (await res.json()).docs[0];
  if (!initial) {
    // No page has this address (yet): a real site would answer 404.
    document.getElementById("title").textContent = "Not found";
    report("notfound", {});
  } else {
    render(initial);
    live(initial, render);
  }
}
