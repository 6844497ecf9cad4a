/* Neuvo web chat widget. Plain JS, no dependencies. Speaks the protocol of docs/protocol.md.
 * Embed: <script src="https://host/widget.js" data-lang="fi" data-region="15"></script>
 */
(function () {
  "use strict";
  if (window.NeuvoWidget) return; // loaded twice

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]');
  if (!script) return;
  var BASE = script.src.replace(/\/widget\.js(\?.*)?(#.*)?$/, "");
  var WS_URL = BASE.replace(/^http/, "ws") + "/ws/chat";
  var REGION = script.getAttribute("data-region") || null;
  var LANGS = ["fi", "sv", "en"];
  var LANG_NAMES = { fi: "Suomi", sv: "Svenska", en: "English" };
  var STORE_KEY = "neuvo-widget";
  var MAX_STORED = 200;
  var MAX_CHARS = 2000;

  function pickLang(value) {
    value = (value || "").toLowerCase().slice(0, 2);
    return LANGS.indexOf(value) >= 0 ? value : null;
  }

  // English fallbacks while (or if) the translated strings cannot be fetched.
  var DEFAULTS = {
    launcher: "Chat with us",
    title: "Neuvo – growth services advisory",
    close: "Close",
    send: "Send",
    input: "Write your question",
    human: "Talk to a human",
    typing: "Neuvo is typing…",
    connection_lost: "Connection lost, reconnecting…",
    reconnected: "Connection restored",
    rating_question: "How satisfied were you with the conversation?",
    rating_1: "1 – very dissatisfied",
    rating_2: "2 – dissatisfied",
    rating_3: "3 – neither satisfied nor dissatisfied",
    rating_4: "4 – satisfied",
    rating_5: "5 – very satisfied",
    rating_submit: "Send rating",
    skip: "Skip",
    rating_thanks: "Thank you for your feedback!",
    language: "Language",
    error: "Something went wrong. Please try again."
  };
  var S = copy(DEFAULTS);

  function copy(o) {
    var r = {};
    for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) r[k] = o[k];
    return r;
  }

  // ---------------------------------------------------------------- state
  function load() {
    try {
      var s = JSON.parse(window.sessionStorage.getItem(STORE_KEY) || "null");
      if (s && typeof s === "object") return s;
    } catch (e) { /* storage unavailable or corrupt */ }
    return null;
  }
  var state = load() || {};
  state.token = state.token || null;
  state.last_seq = state.last_seq || 0;
  state.messages = Array.isArray(state.messages) ? state.messages : [];
  state.pending = Array.isArray(state.pending) ? state.pending : [];
  state.lang = pickLang(state.lang) || pickLang(script.getAttribute("data-lang")) ||
    pickLang(document.documentElement.lang) || "fi";

  function save() {
    if (state.messages.length > MAX_STORED) state.messages = state.messages.slice(-MAX_STORED);
    try { window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state)); } catch (e) { /* full or disabled */ }
  }

  var seen = {}; // seq -> true, to drop duplicates
  state.messages.forEach(function (m) { if (m.seq) seen[m.seq] = true; });

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, cls, attrs) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    return e;
  }
  function setText(e, text) { e.textContent = text; return e; }

  var URL_RE = /(https?:\/\/[^\s<>"']+)/g;
  // Text with its URLs as links; text nodes and createElement only, never innerHTML.
  function appendLinkified(parent, text) {
    var last = 0, match;
    URL_RE.lastIndex = 0;
    while ((match = URL_RE.exec(text)) !== null) {
      var url = match[1].replace(/[.,;:!?)\]]+$/, "");
      var start = match.index;
      if (start > last) parent.appendChild(document.createTextNode(text.slice(last, start)));
      parent.appendChild(link(url));
      last = start + url.length;
      URL_RE.lastIndex = last;
    }
    if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  }
  function link(url) {
    var a = el("a", "neuvo-link");
    if (/^https?:\/\//i.test(url)) {
      a.href = url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
    }
    a.appendChild(document.createTextNode(url));
    return a;
  }

  // ---------------------------------------------------------------- build the UI
  var css = el("link", null, { rel: "stylesheet", href: BASE + "/widget.css" });
  (document.head || document.documentElement).appendChild(css);

  var uid = "neuvo-" + Math.random().toString(36).slice(2, 8);
  var root = el("div", "neuvo-root");
  var launcher = el("button", "neuvo-launcher", { type: "button", "aria-expanded": "false", "aria-controls": uid + "-panel" });
  var launcherLabel = el("span", "neuvo-launcher-label");
  launcher.appendChild(launcherLabel);

  var panel = el("div", "neuvo-panel", { id: uid + "-panel", role: "dialog", "aria-labelledby": uid + "-title" });
  panel.hidden = true;

  var header = el("div", "neuvo-header");
  var title = el("h2", "neuvo-title", { id: uid + "-title" });
  var langLabel = el("label", "neuvo-visually-hidden", { "for": uid + "-lang" });
  var langSelect = el("select", "neuvo-lang", { id: uid + "-lang" });
  LANGS.forEach(function (l) {
    var o = el("option", null, { value: l, lang: l });
    setText(o, LANG_NAMES[l]);
    langSelect.appendChild(o);
  });
  var closeBtn = el("button", "neuvo-close", { type: "button" });
  var closeIcon = setText(el("span", null, { "aria-hidden": "true" }), "×");
  var closeText = el("span", "neuvo-visually-hidden");
  closeBtn.appendChild(closeIcon);
  closeBtn.appendChild(closeText);
  header.appendChild(title);
  header.appendChild(langLabel);
  header.appendChild(langSelect);
  header.appendChild(closeBtn);

  var log = el("div", "neuvo-log", { role: "log", "aria-live": "polite", tabindex: "0", "aria-labelledby": uid + "-title" });
  var typing = el("div", "neuvo-typing");
  typing.hidden = true;
  var dots = el("span", "neuvo-dots", { "aria-hidden": "true" });
  for (var d = 0; d < 3; d++) dots.appendChild(el("span", "neuvo-dot"));
  var typingText = el("span", "neuvo-visually-hidden");
  typing.appendChild(dots);
  typing.appendChild(typingText);

  var status = el("div", "neuvo-status", { role: "status" });
  var quick = el("div", "neuvo-quick-replies");
  quick.hidden = true;

  var form = el("form", "neuvo-form");
  var inputLabel = el("label", "neuvo-visually-hidden", { "for": uid + "-input" });
  var input = el("textarea", "neuvo-input", { id: uid + "-input", rows: "2", maxlength: String(MAX_CHARS) });
  var sendBtn = el("button", "neuvo-send", { type: "submit" });
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendBtn);

  var actions = el("div", "neuvo-actions");
  var humanBtn = el("button", "neuvo-human", { type: "button" });
  actions.appendChild(humanBtn);

  // Satisfaction rating, shown instead of the composer when closing after a bot answer.
  var rating = el("form", "neuvo-rating");
  rating.hidden = true;
  var fieldset = el("fieldset", "neuvo-fieldset");
  var legend = el("legend", "neuvo-legend");
  fieldset.appendChild(legend);
  var ratingLabels = [];
  for (var r = 1; r <= 5; r++) {
    var id = uid + "-rate-" + r;
    var row = el("div", "neuvo-rating-option");
    var radio = el("input", null, { type: "radio", name: uid + "-rating", id: id, value: String(r) });
    var lab = el("label", null, { "for": id });
    row.appendChild(radio);
    row.appendChild(lab);
    fieldset.appendChild(row);
    ratingLabels.push(lab);
  }
  rating.appendChild(fieldset);
  var ratingButtons = el("div", "neuvo-rating-buttons");
  var ratingSubmit = el("button", "neuvo-send", { type: "submit" });
  var ratingSkip = el("button", "neuvo-secondary", { type: "button" });
  ratingButtons.appendChild(ratingSubmit);
  ratingButtons.appendChild(ratingSkip);
  rating.appendChild(ratingButtons);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(status);
  panel.appendChild(quick);
  panel.appendChild(form);
  panel.appendChild(actions);
  panel.appendChild(rating);
  root.appendChild(panel);
  root.appendChild(launcher);

  function mount() { document.body.appendChild(root); }
  if (document.body) mount(); else document.addEventListener("DOMContentLoaded", mount);

  function renderLabels() {
    root.setAttribute("lang", state.lang);
    setText(launcherLabel, S.launcher);
    setText(title, S.title);
    setText(langLabel, S.language);
    langSelect.value = state.lang;
    setText(closeText, S.close);
    closeBtn.title = S.close;
    setText(inputLabel, S.input);
    input.placeholder = S.input;
    setText(sendBtn, S.send);
    setText(humanBtn, S.human);
    setText(typingText, S.typing);
    setText(legend, S.rating_question);
    ratingLabels.forEach(function (lab, i) { setText(lab, S["rating_" + (i + 1)]); });
    setText(ratingSubmit, S.rating_submit);
    setText(ratingSkip, S.skip);
  }

  function fetchStrings(lang) {
    var url = BASE + "/widget/strings/" + encodeURIComponent(lang) + ".json";
    return fetch(url, { credentials: "omit" }).then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    }).then(function (data) {
      if (lang !== state.lang) return; // switched again meanwhile
      S = copy(DEFAULTS);
      for (var k in data) if (typeof data[k] === "string" && data[k]) S[k] = data[k];
      renderLabels();
    }).catch(function () { renderLabels(); });
  }

  // ---------------------------------------------------------------- messages
  function visible(m) { return !m.hidden && typeof m.text === "string" && m.text !== ""; }

  function renderMessage(m) {
    if (!visible(m)) return;
    var from = ["customer", "bot", "agent", "system"].indexOf(m.from) >= 0 ? m.from : "system";
    var bubble = el("div", "neuvo-msg neuvo-msg-" + from + (m.pending ? " neuvo-msg-pending" : ""));
    if (m.id) bubble.setAttribute("data-id", m.id);
    var body = el("div", "neuvo-msg-text");
    appendLinkified(body, m.text);
    bubble.appendChild(body);
    if (m.source_url && /^https?:\/\//i.test(m.source_url) && m.text.indexOf(m.source_url) < 0) {
      var src = el("div", "neuvo-msg-source");
      src.appendChild(link(m.source_url));
      bubble.appendChild(src);
    }
    log.appendChild(bubble);
  }

  function renderQuickReplies() {
    while (quick.firstChild) quick.removeChild(quick.firstChild);
    var shown = state.messages.filter(visible);
    var lastMsg = shown[shown.length - 1];
    var buttons = lastMsg && lastMsg.from !== "customer" && Array.isArray(lastMsg.buttons) ? lastMsg.buttons : [];
    buttons.forEach(function (b) {
      if (!b || typeof b.payload !== "string") return;
      var btn = el("button", "neuvo-quick-reply", { type: "button" });
      setText(btn, b.title || b.payload);
      btn.addEventListener("click", function () {
        lastMsg.buttons = [];
        send(b.payload, b.title || b.payload);
        input.focus();
      });
      quick.appendChild(btn);
    });
    quick.hidden = quick.childNodes.length === 0;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function renderAll() {
    while (log.firstChild) log.removeChild(log.firstChild);
    state.messages.forEach(renderMessage);
    renderQuickReplies();
    scrollDown();
  }

  function addMessage(m) {
    state.messages.push(m);
    save();
    renderMessage(m);
    renderQuickReplies();
    scrollDown();
  }

  function markAcked(id, seq) {
    var i;
    for (i = state.pending.length - 1; i >= 0; i--) if (state.pending[i].id === id) state.pending.splice(i, 1);
    var found = false;
    for (i = 0; i < state.messages.length; i++) {
      var m = state.messages[i];
      if (m.id === id) {
        found = true;
        if (seq) m.seq = seq;
        if (m.pending) {
          m.pending = false;
          var node = log.querySelector('[data-id="' + id.replace(/["\\]/g, "") + '"]');
          if (node) node.classList.remove("neuvo-msg-pending");
        }
      }
    }
    if (seq) {
      seen[seq] = true;
      if (seq > state.last_seq) state.last_seq = seq;
    }
    save();
    return found;
  }

  function newId() { return "c-" + Date.now() + "-" + Math.random().toString(36).slice(2, 8); }

  // display: what the log shows (a button's title); hidden: commands like /feedback are not shown.
  function send(text, display, hidden) {
    var id = newId();
    state.pending.push({ id: id, text: text });
    addMessage({ id: id, seq: null, from: "customer", text: display || text, pending: true, hidden: !!hidden });
    ensureConnected();
    if (ready) frame({ type: "message", id: id, text: text });
  }

  // ---------------------------------------------------------------- websocket
  var ws = null, ready = false, attempts = 0, retryTimer = null, pingTimer = null, lost = false, statusTimer = null;

  function frame(obj) {
    if (ws && ws.readyState === 1) {
      try { ws.send(JSON.stringify(obj)); return true; } catch (e) { return false; }
    }
    return false;
  }

  function showStatus(text, transient) {
    clearTimeout(statusTimer);
    setText(status, text || "");
    if (transient) statusTimer = setTimeout(function () { setText(status, ""); }, 4000);
  }

  function ensureConnected() {
    if (ws || retryTimer) return;
    connect();
  }

  function connect() {
    retryTimer = null;
    var sock;
    try {
      sock = new WebSocket(WS_URL + "?lang=" + encodeURIComponent(state.lang));
    } catch (e) {
      scheduleReconnect();
      return;
    }
    ws = sock;
    ready = false;
    sock.onopen = function () {
      if (sock !== ws) return;
      if (state.token) frame({ type: "resume", token: state.token, last_seq: state.last_seq });
      else frame(REGION ? { type: "start", lang: state.lang, region: REGION } : { type: "start", lang: state.lang });
      clearInterval(pingTimer);
      pingTimer = setInterval(function () { frame({ type: "ping" }); }, 25000);
    };
    sock.onmessage = function (ev) {
      if (sock !== ws) return;
      var f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f && typeof f === "object") handle(f);
    };
    sock.onclose = function () {
      if (sock !== ws) return;
      ws = null;
      ready = false;
      clearInterval(pingTimer);
      typing.hidden = true;
      lost = true;
      showStatus(S.connection_lost);
      scheduleReconnect();
    };
    sock.onerror = function () { /* onclose follows */ };
  }

  function scheduleReconnect() {
    if (retryTimer) return;
    var delay = Math.min(10000, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() * 0.5);
    attempts++;
    retryTimer = setTimeout(connect, delay);
  }

  window.addEventListener("online", function () {
    if (!ws && retryTimer) { clearTimeout(retryTimer); retryTimer = null; attempts = 0; connect(); }
  });

  function onReady() {
    ready = true;
    attempts = 0;
    if (lost) { lost = false; showStatus(S.reconnected, true); }
    state.pending.forEach(function (p) { frame({ type: "message", id: p.id, text: p.text }); });
  }

  function handle(f) {
    switch (f.type) {
      case "started":
        state.token = f.token;
        state.last_seq = 0;
        state.rated = false; // a new conversation may be rated again
        save();
        onReady();
        break;
      case "resumed":
        onReady();
        break;
      case "ack":
        markAcked(String(f.id), typeof f.seq === "number" ? f.seq : null);
        break;
      case "message":
        onMessage(f);
        break;
      case "typing":
        typing.hidden = !f.on;
        if (f.on) scrollDown();
        break;
      case "status":
        break; // the bot's own messages tell the customer what happens next
      case "error":
        onError(f);
        break;
      default:
        break; // pong and unknown frames
    }
  }

  function onMessage(f) {
    var seq = typeof f.seq === "number" ? f.seq : null;
    if (seq && seen[seq]) return; // already shown
    if (f.id && markAcked(String(f.id), seq)) return; // our own message, replayed
    if (seq) {
      seen[seq] = true;
      if (seq > state.last_seq) state.last_seq = seq;
    }
    var text = typeof f.text === "string" ? f.text : "";
    addMessage({
      seq: seq, from: f.from, text: text, id: f.id || null,
      buttons: Array.isArray(f.buttons) ? f.buttons : [],
      source_url: typeof f.source_url === "string" ? f.source_url : null,
      hidden: f.from === "customer" && text.charAt(0) === "/" // a replayed command or button payload
    });
  }

  function onError(f) {
    if (f.code === "invalid_token") {
      // The conversation cannot be resumed: start a new one, keeping unsent messages.
      state.token = null;
      state.last_seq = 0;
      seen = {};
      state.messages = state.messages.filter(function (m) { return m.pending; });
      save();
      renderAll();
      frame(REGION ? { type: "start", lang: state.lang, region: REGION } : { type: "start", lang: state.lang });
      return;
    }
    if (f.code === "empty_message" || f.code === "message_too_long" || f.code === "invalid_id") {
      // The oldest unacknowledged message was refused: do not resend it forever.
      var refused = state.pending.shift();
      if (refused) {
        state.messages = state.messages.filter(function (m) { return m.id !== refused.id; });
        save();
        renderAll();
      }
      typing.hidden = true;
    }
    showStatus(typeof f.message === "string" && f.message ? f.message : S.error, true);
  }

  // ---------------------------------------------------------------- open / close / rating
  function isOpen() { return !panel.hidden; }

  function open(restoring) {
    if (!document.body.contains(root)) mount();
    hideRating();
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    ensureConnected();
    scrollDown();
    if (restoring !== true) input.focus();
  }

  function close() {
    hideRating();
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    state.open = false;
    save();
    launcher.focus();
  }

  function hasBotAnswer() {
    return state.messages.some(function (m) { return m.from === "bot" || m.from === "agent"; });
  }

  function showRating() {
    form.hidden = true;
    actions.hidden = true;
    quick.hidden = true;
    rating.hidden = false;
    var checked = rating.querySelector("input:checked");
    if (checked) checked.checked = false;
    rating.querySelector("input").focus();
  }

  function hideRating() {
    if (rating.hidden) return;
    rating.hidden = true;
    form.hidden = false;
    actions.hidden = false;
    renderQuickReplies();
  }

  launcher.addEventListener("click", function () { open(); });
  closeBtn.addEventListener("click", function () {
    if (rating.hidden && !state.rated && hasBotAnswer()) showRating();
    else close();
  });
  ratingSkip.addEventListener("click", function () {
    state.rated = true; // ask once per conversation
    save();
    close();
  });
  rating.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var checked = rating.querySelector("input:checked");
    if (!checked) { rating.querySelector("input").focus(); return; }
    state.rated = true;
    send("/feedback{\"rating\": " + Number(checked.value) + "}", null, true);
    hideRating();
    showStatus(S.rating_thanks, true);
    closeBtn.focus();
    setTimeout(function () { if (isOpen()) close(); }, 1500);
  });

  panel.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" || ev.key === "Esc") {
      ev.preventDefault();
      close();
    }
  });

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var text = input.value.replace(/^\s+|\s+$/g, "");
    if (!text) return;
    input.value = "";
    send(text.slice(0, MAX_CHARS));
  });
  input.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      if (form.requestSubmit) form.requestSubmit();
      else form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  humanBtn.addEventListener("click", function () {
    send("/request_human", S.human);
    input.focus();
  });
  langSelect.addEventListener("change", function () {
    var lang = pickLang(langSelect.value);
    if (!lang || lang === state.lang) return;
    state.lang = lang;
    save();
    fetchStrings(lang);
  });

  // ---------------------------------------------------------------- start up
  renderLabels();
  fetchStrings(state.lang);
  renderAll();
  if (state.token) ensureConnected(); // pick up what was missed while the page reloaded
  if (state.open) {
    if (document.body) open(true);
    else document.addEventListener("DOMContentLoaded", function () { open(true); });
  }

  window.NeuvoWidget = {
    open: open,
    close: close,
    get _socket() { return ws; },
    get _state() { return state; }
  };
})();
