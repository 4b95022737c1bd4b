// Live preview (see livepreview.go): speaks @payloadcms/live-preview's
// postMessage contract with the front end framed beside the editor. Every
// message goes to the front end's origin only, and only messages from that
// origin and that frame are heard.
(function () {
  "use strict";
  var frame = document.getElementById("live-preview-iframe");
  var form = document.getElementById("editor-form");
  if (!frame || !form) return;
  var origin = frame.getAttribute("data-origin");
  var dataURL = frame.getAttribute("data-data-url");
  var collection = frame.getAttribute("data-collection") || undefined;
  var global = frame.getAttribute("data-global") || undefined;
  var state = document.getElementById("live-state");
  var toolbar = document.getElementById("live-toolbar");
  var device = document.getElementById("live-device");
  var sizes = document.getElementById("live-breakpoint");
  var ready = false, inflight = false, again = false;

  function show(s, text) {
    if (!state) return;
    state.setAttribute("data-state", s);
    state.textContent = text;
  }
  function post(message) {
    if (frame.contentWindow) frame.contentWindow.postMessage(message, origin);
  }
  // send posts the form's current values, read by the server as a save
  // would read them (nothing is stored), on to the front end. Edits while
  // a request is out are coalesced into one more request.
  function send() {
    if (!ready) return;
    if (inflight) { again = true; return; }
    inflight = true;
    fetch(dataURL, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" },
      body: new URLSearchParams(new FormData(form)) })
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
      .then(function (res) {
        post({ type: "payload-live-preview", collectionSlug: collection, globalSlug: global, data: res.data,
          externallyUpdatedRelationship: undefined, locale: undefined });
        show("live", "Live");
      })
      .catch(function () { show("error", "Not updated: the editor could not read the form."); })
      .then(function () {
        inflight = false;
        if (again) { again = false; send(); }
      });
  }
  // Rich text editors write their hidden input after the input event, in
  // their own update; read the form once that has run.
  function changed() { setTimeout(send, 0); }

  window.addEventListener("message", function (e) {
    if (e.origin !== origin || e.source !== frame.contentWindow) return;
    var d = e.data;
    if (d && typeof d === "object" && d.type === "payload-live-preview" && d.ready === true) {
      ready = true;
      send();
    }
  });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  // After an autosave the front end may re-read the draft (server-side mode).
  form.addEventListener("chronos:saved", function () { if (ready) post({ type: "payload-document-event" }); });

  // Breakpoints: the frame at the device's size, scaled down to fit.
  function resize() {
    var o = sizes.options[sizes.selectedIndex];
    var w = Number(o.getAttribute("data-width")), h = Number(o.getAttribute("data-height"));
    if (!w || !h) {
      frame.style.width = ""; frame.style.height = ""; frame.style.transform = ""; device.style.height = "";
      frame.removeAttribute("data-breakpoint");
      return;
    }
    var scale = Math.min(1, device.clientWidth / w);
    frame.style.width = w + "px";
    frame.style.height = h + "px";
    frame.style.transform = scale < 1 ? "scale(" + scale + ")" : "";
    device.style.height = Math.round(h * scale) + "px";
    frame.setAttribute("data-breakpoint", o.value);
  }
  if (toolbar && sizes && device) {
    toolbar.hidden = false;
    sizes.addEventListener("change", resize);
    window.addEventListener("resize", resize);
  }
})();
