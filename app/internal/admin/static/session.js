// Chronos admin: no lost work while editing (session.go, autosave.go,
// lock.go). It keeps the session alive while the editor is in use and warns
// before it ends; a save after the session ended keeps the form on the page
// and signs in again in place, then saves; it autosaves drafts where the
// collection asks for it and holds the document's edit lock. Every page
// works without this file. No build; the DOM helpers come from admin.js.
(function () {
  "use strict";
  var doc = document, root = doc.documentElement;
  if (!root.hasAttribute("data-session-exp")) return;
  var AUTH = root.getAttribute("data-auth");
  var shared = window.chronosAdmin, $ = shared.$, $$ = shared.$$, el = shared.el; // admin.js
  function num(n) { return +root.getAttribute("data-session-" + n); }

  // The server's clock decides; skew corrects ours to it.
  var s = { exp: num("exp"), skew: num("now") - Date.now(), ttl: num("ttl"), warn: num("warn"),
    email: root.getAttribute("data-session-email") || "", ended: false, refreshing: null, lastRefresh: 0, timer: 0 };
  function left() { return s.exp * 1000 - (Date.now() + s.skew); }
  function clock(exp) {
    return new Date(exp * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  // ---- banner -----------------------------------------------------------
  function banner(kind, text, action, onAction) {
    var b = $("#session-banner");
    if (!b) {
      b = el("div", { id: "session-banner", "class": "flash session-banner", role: "alert" });
      var main = $("#main");
      if (main) main.insertBefore(b, main.firstChild); else doc.body.insertBefore(b, doc.body.firstChild);
    }
    b.className = "flash session-banner flash-" + kind;
    b.setAttribute("data-session-state", kind === "warning" ? "expiring" : "ended");
    b.textContent = "";
    b.appendChild(el("span", { text: text + " " }));
    b.appendChild(el("button", { type: "button", "class": "btn btn-small", id: "session-action", text: action, onclick: onAction }));
    b.hidden = false;
  }
  function hideBanner() { var b = $("#session-banner"); if (b) { b.hidden = true; b.removeAttribute("data-session-state"); } }

  // ---- state ------------------------------------------------------------
  // setExp records a new expiry and plans the next warning or the end.
  function setExp(exp) {
    s.exp = exp; s.ended = false;
    root.setAttribute("data-session-exp", String(exp));
    schedule();
  }
  function schedule() {
    clearTimeout(s.timer);
    var l = left(), warn = s.warn * 1000;
    if (l <= 0) { ended(); return; }
    if (l <= warn) {
      banner("warning", "Your session ends at " + clock(s.exp) + ".", "Stay signed in", function () { refresh(); });
      s.timer = setTimeout(schedule, l);
    } else {
      hideBanner();
      s.timer = setTimeout(schedule, l - warn);
    }
  }
  function ended() {
    clearTimeout(s.timer);
    s.ended = true;
    root.setAttribute("data-session-ended", "");
    banner("error", "Your session has ended. What you typed is still here: sign in again to save it.", "Sign in", function () { signIn(); });
  }
  // setCSRF puts the current session's form token into every form.
  function setCSRF(tok) {
    if (!tok) return;
    $$("input[name=_csrf]").forEach(function (i) { i.value = tok; });
    $$("form[action*='_csrf=']").forEach(function (f) {
      var u = new URL(f.getAttribute("action"), location.href);
      u.searchParams.set("_csrf", tok);
      f.setAttribute("action", u.pathname + u.search);
    });
  }

  // check asks the server whether the session holds; it resolves to true
  // or false and rejects when the server cannot be reached.
  function check() {
    return fetch("/admin/session", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, b: b }; }); })
      .then(function (x) {
        if (typeof x.b.now === "number") s.skew = x.b.now - Date.now();
        setCSRF(x.b.csrf);
        if (x.ok) { root.removeAttribute("data-session-ended"); setExp(x.b.exp); return true; }
        ended();
        return false;
      });
  }

  // refresh extends the session (Payload's refresh-token: same session,
  // new token and cookie).
  function refresh() {
    if (s.refreshing) return s.refreshing;
    s.lastRefresh = Date.now();
    s.refreshing = fetch("/api/" + AUTH + "/refresh-token", { method: "POST", credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error("refresh " + r.status); return r.json(); })
      .then(function (b) { setExp(b.exp); root.setAttribute("data-session-refreshed", String(b.exp)); return true; })
      .catch(function () { return check(); })
      .catch(function () { return false; })
      .then(function (ok) { s.refreshing = null; return ok; });
    return s.refreshing;
  }

  // An editor at work keeps the session: once half of it has passed, the
  // next keystroke refreshes it (at most once a minute).
  function active() {
    if (s.ended || s.refreshing) return;
    if (left() < s.ttl * 500 && Date.now() - s.lastRefresh > 60000) refresh();
  }

  // ---- autosave (autosave.go) ----------------------------------------------
  // A collection or global with an autosave interval saves the draft that
  // long after typing stops (a new document's first autosave creates it):
  // one request at a time, the next one after it when typing went on
  // meanwhile. The server folds the autosaves between two manual
  // saves into one version. A save by someone else stops autosave (the
  // manual save then says so, keeping the form).
  var auto = { idle: function () { return Promise.resolve(); } };
  function autosave(form) {
    var wait = +form.getAttribute("data-autosave"), url = form.getAttribute("data-autosave-url");
    var timer = 0, inflight = null, again = false, stopped = false, count = 0;
    var out = el("p", { id: "autosave-status", "class": "help autosave-status", role: "status", "data-autosave-count": "0" });
    var spot = $("#save-draft");
    if (spot && spot.parentNode) spot.parentNode.parentNode.insertBefore(out, spot.parentNode.nextSibling); else form.appendChild(out);
    function state(st, text) { out.setAttribute("data-autosave-state", st); out.textContent = text; }
    function later() {
      if (stopped) return;
      clearTimeout(timer);
      if (inflight) { again = true; return; }
      state("pending", "Unsaved changes; autosaving shortly…");
      timer = setTimeout(run, wait);
    }
    function run() {
      if (s.ended) { state("error", "Not autosaved: your session has ended."); return; }
      state("saving", "Autosaving…");
      inflight = fetch(url, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" },
        body: new URLSearchParams(new FormData(form)) })
        .then(function (r) { return r.json().then(function (b) { return { status: r.status, b: b }; }); })
        .then(function (x) {
          if (x.status === 200) {
            count++;
            if (x.b.url) adopt(x.b);
            var seen = $("input[name=_seen]", form); if (seen) seen.value = x.b.updatedAt;
            var pill = $("#doc-status");
            if (pill && x.b.status) { pill.textContent = x.b.status; pill.className = "pill pill-" + x.b.status; }
            out.setAttribute("data-autosave-count", String(count));
            state("saved", "Draft autosaved at " + x.b.at + ".");
            if (window.chronosLocalTime) window.chronosLocalTime(out);
            if (!again) form.dispatchEvent(new CustomEvent("chronos:saved"));
            return;
          }
          if (x.status === 401) { ended(); state("error", "Not autosaved: your session has ended."); return; }
          if (x.status === 409) stopped = true;
          var details = (x.b.errors || []).map(function (e) { return (e.label || e.path) + ": " + e.message; }).join("; ");
          state("error", (x.b.message || "Not autosaved.") + (details ? " " + details : ""));
        }, function () { state("error", "Not autosaved: the server could not be reached. Your changes are still here."); })
        .then(function () { inflight = null; if (again) { again = false; later(); } });
    }
    // The first autosave of a new document created it: the page now edits
    // that document, under its own URL (a reload opens it), and its saves
    // and autosaves update it.
    function adopt(b) {
      url = b.autosaveURL;
      form.setAttribute("data-autosave-url", url);
      form.removeAttribute("data-autosave-new");
      form.setAttribute("action", b.url);
      form.setAttribute("data-doc-id", String(b.id));
      history.replaceState(history.state, "", b.url);
      if (!$("input[name=_seen]", form)) form.insertBefore(el("input", { type: "hidden", name: "_seen", value: "" }), form.firstChild);
      if (b.lockURL && !form.hasAttribute("data-lock-url")) {
        form.setAttribute("data-lock-url", b.lockURL);
        form.setAttribute("data-lock-held", "true");
        docLock(form);
      }
    }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    // A manual save waits for a running autosave (so its own version check
    // sees the autosave's) and cancels a planned one.
    auto.idle = function () { clearTimeout(timer); return inflight || Promise.resolve(); };
  }
  var autoForm = $("#editor-form[data-autosave]");
  if (autoForm) autosave(autoForm);

  // ---- document lock (lock.go) ---------------------------------------------
  // The editor holding a document's lock renews it while typing (at most
  // once a minute) and learns there when another editor took over; it can
  // take over again. Leaving the page, except by saving, releases it.
  function docLock(form) {
    var url = form.getAttribute("data-lock-url"), last = 0, busy = false, saving = false;
    function body(kind) {
      var b = new FormData(), tok = $("input[name=_csrf]", form);
      b.set("_csrf", tok ? tok.value : "");
      if (kind) b.set("_lock", kind);
      return b;
    }
    function post(kind) {
      return fetch(url, { method: "POST", credentials: "same-origin", headers: { Accept: "application/json" },
        body: new URLSearchParams(body(kind)) })
        .then(function (r) { return r.json().then(function (b) { return { status: r.status, b: b }; }); });
    }
    function show(x) {
      if (x.status !== 200) return;
      form.setAttribute("data-lock-held", String(x.b.held));
      if (x.b.held) { var old = $("#lock-banner"); if (old) old.remove(); return; }
      var b = $("#lock-banner");
      if (!b) { b = el("div", { id: "lock-banner", "class": "flash flash-warning lock-banner", role: "alert" }); form.parentNode.insertBefore(b, form); }
      b.setAttribute("data-lock-state", "lost");
      b.textContent = "";
      b.appendChild(el("p", {}, [el("strong", { id: "lock-holder", text: x.b.holder }),
        " took over editing (" + x.b.since + "). What you typed is still here, but saving is refused while they hold it."]));
      b.appendChild(el("button", { type: "button", "class": "btn btn-small", id: "lock-takeover", text: "Take over editing again",
        onclick: function () { post("takeover").then(show); } }));
    }
    function beat() {
      if (busy || s.ended || Date.now() - last < 60000) return;
      busy = true; last = Date.now();
      post("").then(show, function () { }).then(function () { busy = false; });
    }
    // The page's own take-over form (no JavaScript: a POST and a reload)
    // takes over in place, so nothing typed is lost.
    var own = $("#lock-banner form");
    if (own) own.addEventListener("submit", function (e) { e.preventDefault(); post("takeover").then(show); });
    form.addEventListener("input", beat);
    form.addEventListener("submit", function () { saving = true; });
    window.addEventListener("pagehide", function () {
      if (saving || form.getAttribute("data-lock-held") !== "true") return;
      navigator.sendBeacon(url, body("release"));
    });
  }
  var lockForm = $("#editor-form[data-lock-url], #media-form[data-lock-url]");
  if (lockForm) docLock(lockForm);

  // ---- saving with an ended session -------------------------------------
  // An editor form is submitted only once the server confirms the session;
  // otherwise it stays on the page and the sign-in dialog opens.
  var pending = null;
  function go(form, submitter) {
    form.setAttribute("data-session-checked", "");
    if (submitter && submitter.form === form) form.requestSubmit(submitter); else form.requestSubmit();
  }
  function guardSubmit(e) {
    var form = e.target;
    if (!form.matches || !form.matches("#editor-form, #media-form")) return;
    if (form.hasAttribute("data-session-checked")) { form.removeAttribute("data-session-checked"); return; }
    e.preventDefault();
    e.stopImmediatePropagation();
    var submitter = e.submitter;
    auto.idle().then(check).then(function (ok) {
      if (ok) { go(form, submitter); return; }
      pending = { form: form, submitter: submitter };
      signIn();
    }, function () {
      banner("error", "The server could not be reached. Your changes are still here; try again in a moment.", "Try again", function () { hideBanner(); go(form, submitter); });
    });
  }

  function signIn() {
    var dlg = $("#session-dialog");
    if (!dlg) {
      var email = el("input", { type: "email", id: "session-email", name: "email", autocomplete: "username", required: "" });
      var pass = el("input", { type: "password", id: "session-password", name: "password", autocomplete: "current-password", required: "" });
      var err = el("p", { "class": "field-error", id: "session-error", role: "alert" });
      err.hidden = true;
      var form = el("form", { id: "session-form", novalidate: "" }, [
        el("div", { "class": "field" }, [el("label", { "for": "session-email", text: "Email" }), email]),
        el("div", { "class": "field" }, [el("label", { "for": "session-password", text: "Password" }), pass]),
        err,
        el("div", { "class": "session-buttons" }, [
          el("button", { type: "submit", "class": "btn btn-primary", id: "session-signin", text: "Sign in" }),
          el("button", { type: "button", "class": "btn btn-ghost", text: "Cancel", onclick: function () { pending = null; dlg.close(); } })])]);
      dlg = el("dialog", { id: "session-dialog", "aria-labelledby": "session-dialog-title", "class": "session-dialog" }, [
        el("h2", { id: "session-dialog-title", text: "Sign in to keep working" }),
        el("p", { text: "Your session has ended. Nothing you typed is lost: sign in and your save goes through." }),
        form]);
      doc.body.appendChild(dlg);
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        err.hidden = true;
        fetch("/api/" + AUTH + "/login", { method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ email: email.value.trim(), password: pass.value }) })
          .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, b: b }; }); })
          .then(function (x) {
            if (!x.ok) {
              var e0 = (x.b.errors || [])[0] || {};
              err.textContent = e0.message || "Sign-in failed.";
              err.hidden = false; pass.focus();
              return;
            }
            pass.value = "";
            return check().then(function (ok) {
              if (!ok) { err.textContent = "Signed in, but the session did not start. Try again."; err.hidden = false; return; }
              dlg.close();
              hideBanner();
              var p = pending; pending = null;
              if (p) go(p.form, p.submitter);
            });
          })
          .catch(function () { err.textContent = "The server could not be reached. Try again."; err.hidden = false; });
      });
    }
    $("#session-email", dlg).value = $("#session-email", dlg).value || s.email;
    if (!dlg.open) dlg.showModal();
    $("#session-password", dlg).focus();
  }

  doc.addEventListener("submit", guardSubmit, true);
  doc.addEventListener("input", active, true);
  doc.addEventListener("keydown", active, true);
  // Timers sleep with a hidden tab: look again when it shows.
  doc.addEventListener("visibilitychange", function () { if (!doc.hidden && !s.ended) schedule(); });
  schedule();
})();
