// Dates in the editor's time zone. The server stores and writes UTC (and
// says so: "5 Dec 2026, 21:00 UTC", inputs marked UTC), which is what the
// admin shows without JavaScript. Here every such date is shown in the
// browser's zone instead, and each datetime input is typed in local time
// while the form still submits UTC: the named input becomes hidden and a
// local twin writes it.
(function () {
  "use strict";
  var doc = document;
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { zone = ""; }
  var MONTHS = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
  var UTC_TEXT = /(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{4}), (\d{2}):(\d{2}) UTC/g;
  var fmt = new Intl.DateTimeFormat(undefined, { day: "numeric", month: "short", year: "numeric",
    hour: "2-digit", minute: "2-digit", timeZoneName: "short" });
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // localText rewrites the UTC dates in the text under root.
  function localText(root) {
    if (!root) return;
    var walk = doc.createTreeWalker(root, NodeFilter.SHOW_TEXT, null), nodes = [], n;
    while ((n = walk.nextNode())) {
      UTC_TEXT.lastIndex = 0;
      if (UTC_TEXT.test(n.nodeValue)) nodes.push(n);
    }
    nodes.forEach(function (t) {
      t.nodeValue = t.nodeValue.replace(UTC_TEXT, function (all, d, mon, y, h, mi) {
        return fmt.format(new Date(Date.UTC(+y, MONTHS[mon], +d, +h, +mi)));
      });
      if (t.parentNode && t.parentNode.nodeType === 1) t.parentNode.setAttribute("data-local-time", "");
    });
  }
  // "2026-12-05T21:00" (UTC) ⇄ the same instant as a local datetime-local value.
  function toLocal(v) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v || "");
    if (!m) return v;
    var t = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]));
    return t.getFullYear() + "-" + pad(t.getMonth() + 1) + "-" + pad(t.getDate()) + "T" + pad(t.getHours()) + ":" + pad(t.getMinutes());
  }
  function toUTC(v) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(v || "");
    if (!m) return v;
    var t = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]);
    return t.getUTCFullYear() + "-" + pad(t.getUTCMonth() + 1) + "-" + pad(t.getUTCDate()) + "T" + pad(t.getUTCHours()) + ":" + pad(t.getUTCMinutes());
  }
  var syncs = [];
  function localInputs() {
    Array.prototype.forEach.call(doc.querySelectorAll("input[type=datetime-local][name]"), function (utc) {
      var local = doc.createElement("input");
      local.type = "datetime-local";
      local.id = utc.id;
      local.className = utc.className;
      local.value = toLocal(utc.value);
      if (utc.min) local.min = toLocal(utc.min);
      ["aria-invalid", "aria-describedby", "required"].forEach(function (a) {
        if (utc.hasAttribute(a)) local.setAttribute(a, utc.getAttribute(a));
      });
      local.setAttribute("data-utc-for", utc.name);
      utc.id = utc.id ? utc.id + "-utc" : "";
      utc.type = "hidden";
      utc.parentNode.insertBefore(local, utc);
      var sync = function () { utc.value = toUTC(local.value); };
      local.addEventListener("input", sync);
      local.addEventListener("change", sync);
      syncs.push(sync);
    });
    // A value set without an input event (autofill, scripts) still counts.
    doc.addEventListener("submit", function () { syncs.forEach(function (f) { f(); }); }, true);
    if (zone) Array.prototype.forEach.call(doc.querySelectorAll("[data-tz-label]"), function (s) { s.textContent = zone; });
  }
  function run() {
    localInputs();
    localText(doc.getElementById("main"));
  }
  window.chronosLocalTime = localText; // for text the page scripts write later
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", run); else run();
})();
