/* Neuvo agent console. Plain JS, no dependencies; speaks the API of docs/handoff.md.
 * Everything from the server goes into the page as text nodes: customer text is hostile.
 */
(function () {
  "use strict";

  const API = "/console/api";
  const LANGS = ["fi", "sv", "en"];
  const WAITING_STATES = ["queued", "message_left", "callback_requested"];
  const SUPERVISOR_ROLES = ["supervisor", "admin"];
  const HISTORY_KINDS = ["transferred", "returned", "closed"]; // the rest is in the transcript already
  const TYPING_EVERY_MS = 3000;
  const TYPING_HIDE_MS = 6000;
  const POLL_MS = 15000;
  const DEBOUNCE_MS = 200;
  const LANG_KEY = "neuvo-console-lang";
  // Only what must work when the strings endpoint cannot be reached; static texts are in the HTML.
  const DEFAULTS = {
    login_missing: "Enter your username and password.",
    login_failed: "The username or password is wrong.",
    session_expired: "Your session has expired. Please sign in again.",
    error: "Something went wrong. Please try again.",
    connection_lost: "Connection lost, reconnecting…",
    reconnected: "Connection restored"
  };

  const $ = (id) => document.getElementById(id);
  const st = {
    user: null, csrf: null, lang: "fi", S: {},
    queues: [], mine: [], fetchedAt: Date.now(), sup: null,
    openId: null, conv: null, lastSeq: 0, convTicket: 0, drafts: {},
    outcomes: [], targets: [], canned: {}, cannedLang: null, cannedInsert: null, labelOptions: [],
    ws: null, wsAttempts: 0, wsTimer: null, wsLost: false,
    pollTimer: null, tickTimer: null, refreshTimer: null, refreshConv: false,
    typingSentAt: 0, typingHideTimer: null, noticeTimer: null
  };

  // ---------------------------------------------------------------- helpers
  function el(tag, cls, text, attrs) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== null && text !== undefined) e.textContent = String(text);
    if (attrs) for (const k of Object.keys(attrs)) e.setAttribute(k, attrs[k]);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function t(key, vars) {
    let s = st.S[key] || DEFAULTS[key] || key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }
  function same(a, b) { return a !== null && a !== undefined && String(a) === String(b); }
  function pickLang(v) { v = String(v || "").toLowerCase().slice(0, 2); return LANGS.includes(v) ? v : null; }
  function navigatorLang() {
    return (navigator.languages || [navigator.language]).map(pickLang).find((p) => p === "fi" || p === "sv") || null;
  }
  // sessionStorage may be disabled; the language choice is then simply not remembered.
  function loadLang() { try { return pickLang(sessionStorage.getItem(LANG_KEY)); } catch (e) { return null; } }
  function saveLang(lang) { try { sessionStorage.setItem(LANG_KEY, lang); } catch (e) { /* not remembered */ } }
  function pad(n) { return String(n).padStart(2, "0"); }
  function duration(seconds) {
    const s = Math.max(0, Math.floor(seconds || 0));
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + pad(m) : pad(m)) + ":" + pad(s % 60);
  }
  function toDate(at) {
    if (at === null || at === undefined || at === "") return null;
    const d = typeof at === "number" ? new Date(at < 1e12 ? at * 1000 : at) : new Date(at);
    return isNaN(d.getTime()) ? null : d;
  }
  function formatTime(at) {
    const d = toDate(at);
    if (!d) return "";
    const locale = st.lang === "en" ? "en-GB" : st.lang + "-FI";
    const opts = { hour: "2-digit", minute: "2-digit" };
    if (d.toDateString() !== new Date().toDateString()) { opts.day = "numeric"; opts.month = "numeric"; }
    return d.toLocaleString(locale, opts);
  }
  function percent(v) { return typeof v !== "number" || isNaN(v) ? null : Math.round(v <= 1 ? v * 100 : v); }
  function langName(code) { return code ? t("lang_" + code) : "–"; }
  function stateLabel(s) { return s ? t("state_" + s) : "–"; }
  function roleLabel(r) { return r ? t("role_" + r) : ""; }
  // People by display name, services and queues by name, never by login name or id: the API sends the names.
  function agentName(a) { return a && typeof a === "object" ? (a.name || "") : String(a || ""); }
  // Button payloads such as "/request_human" are stored as customer text; they are not worth a preview.
  function isCommand(text) { return typeof text === "string" && text.charAt(0) === "/"; }
  function previewOf(text) { return isCommand(text) ? "" : (text || ""); }
  // The API gives a pressed button as its title, the payload beside it.
  function pressed(m) { return isCommand(m.payload); }
  function isSupervisor() { return !!st.user && SUPERVISOR_ROLES.includes(st.user.role); }
  function langQuery() { return "?lang=" + st.lang; } // the API may ignore it and use ui_language
  function convPath(id, action) { return "/conversations/" + encodeURIComponent(id) + (action ? "/" + action : ""); }

  function addRow(dl, label, value) {
    const row = el("div", "meta-row");
    row.append(el("dt", null, label), el("dd", null, value === "" || value == null ? "–" : value));
    dl.append(row);
  }
  function langBadge(code) {
    const b = el("span", "lang-badge");
    b.append(el("span", null, (code || "?").toUpperCase(), { "aria-hidden": "true" }),
      el("span", "visually-hidden", langName(code)));
    return b;
  }
  function option(value, text) { return el("option", null, text, { value: value }); }
  // Fill a select keeping the agent's current choice when it is still offered.
  function fillSelect(select, items, placeholder) {
    const keep = select.value;
    clear(select);
    select.append(option("", placeholder));
    items.forEach(([value, text]) => select.append(option(value, text)));
    select.value = items.some(([v]) => v === keep) ? keep : "";
  }
  // Rebuild a list without losing the keyboard focus of a button that is still there.
  function rerender(container, build, fallbackFocus) {
    const active = document.activeElement;
    const key = active && container.contains(active) ? active.getAttribute("data-key") : null;
    clear(container);
    build(container);
    if (!key) return;
    const again = Array.from(container.querySelectorAll("[data-key]")).find((n) => n.getAttribute("data-key") === key);
    (again || fallbackFocus).focus();
  }

  function notify(text, isError) {
    const n = $("notice");
    clearTimeout(st.noticeTimer);
    n.textContent = text || "";
    n.classList.toggle("is-error", !!isError);
    if (text) st.noticeTimer = setTimeout(() => { n.textContent = ""; }, 10000);
  }
  function setConnection(text, transient) {
    $("connection-status").textContent = text || "";
    if (transient) setTimeout(() => { if ($("connection-status").textContent === text) $("connection-status").textContent = ""; }, 4000);
  }

  // ---------------------------------------------------------------- API
  class ApiError extends Error {
    constructor(status, code, message) { super(message || code || String(status)); this.status = status; this.code = code; this.text = message; }
  }

  async function api(method, path, body) {
    const opts = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    const session = st.user; // a 401 ends only the session this request was sent in
    if (method !== "GET") {
      opts.headers["Content-Type"] = "application/json";
      if (st.csrf) opts.headers["X-CSRF-Token"] = st.csrf;
      opts.body = JSON.stringify(body || {});
    }
    let res;
    try { res = await fetch(API + path, opts); } catch (e) { throw new ApiError(0, "network", ""); }
    let data = null;
    try { data = await res.json(); } catch (e) { /* empty or not JSON */ }
    if (res.ok) return data;
    const err = (data && data.error) || {};
    if (res.status === 401 && session && st.user === session) sessionExpired();
    throw new ApiError(res.status, err.code || "", typeof err.message === "string" ? err.message : "");
  }

  function report(err) {
    if (err.status === 401) return; // the login form is showing already
    if (err.status === 409) notify(t("already_claimed"), true);
    else if (err.status === 403) notify(t("not_allowed"), true);
    else if (err.status === 404) notify(t("not_found"), true);
    else if (err.status === 422 && err.text) notify(err.text, true);
    else notify(t("error"), true);
  }

  // ---------------------------------------------------------------- UI strings
  async function setLanguage(lang) {
    st.lang = lang;
    document.documentElement.lang = lang;
    $("ui-language").value = lang;
    try {
      const data = await api("GET", "/strings/" + lang);
      if (lang !== st.lang) return; // switched again meanwhile
      st.S = {};
      for (const k of Object.keys(data || {})) if (typeof data[k] === "string" && data[k]) st.S[k] = data[k];
    } catch (e) { /* keep the texts shown so far */ }
    applyStrings();
  }

  function applyStrings() {
    document.querySelectorAll("[data-i18n]").forEach((n) => {
      const s = st.S[n.getAttribute("data-i18n")];
      if (s) n.textContent = s;
    });
    if (st.S.title) document.title = st.S.title;
    if (!st.user) return;
    renderUser();
    renderQueues();
    renderMine();
    renderSupervisor();
    fillOutcomes();
    if (st.conv) renderConversation(true);
  }

  async function onLanguageChange() {
    const lang = pickLang($("ui-language").value);
    if (!lang || lang === st.lang) return;
    saveLang(lang); // the agent's choice wins over ui_language in this tab
    await setLanguage(lang);
    if (st.user) { await loadReference(); refreshAll(); }
  }

  // ---------------------------------------------------------------- session
  async function boot() {
    bindEvents();
    const q = new URLSearchParams(location.search).get("lang");
    await setLanguage(pickLang(q) || loadLang() || navigatorLang() || "fi");
    let me;
    try {
      me = await api("GET", "/me");
    } catch (e) {
      if (!st.user) showLogin(e.status === 401 ? "" : t("error"), false); // unless the agent signed in meanwhile
      return;
    }
    if (!st.user) await startSession(me, false);
  }

  async function startSession(data, focus) {
    st.user = data.user || {};
    st.csrf = data.csrf || null;
    showApp(true);
    $("supervisor").hidden = !isSupervisor();
    const lang = loadLang() || pickLang(st.user.ui_language) || navigatorLang() || "fi";
    if (lang !== st.lang) await setLanguage(lang); else applyStrings();
    if (focus !== false) $("queues-heading").focus();
    await loadReference();
    await refreshLists();
    connectSocket();
    st.pollTimer = setInterval(refreshAll, POLL_MS); // a safety net for missed websocket frames
    st.tickTimer = setInterval(tick, 1000);
  }

  function stopSession() {
    Object.assign(st, { user: null, csrf: null, openId: null, conv: null, sup: null, drafts: {}, queues: [], mine: [], cannedLang: null });
    ["queues", "mine", "transcript", "supervisor-queues", "supervisor-agents"].forEach((id) => clear($(id)));
    [st.pollTimer, st.tickTimer].forEach(clearInterval);
    [st.refreshTimer, st.wsTimer].forEach(clearTimeout);
    st.refreshTimer = st.wsTimer = null;
    if (st.ws) { const ws = st.ws; st.ws = null; try { ws.close(); } catch (e) { /* already closed */ } }
    setConnection("");
  }

  // The login form and the workspace take turns.
  function showApp(on) {
    ["sidebar", "workspace", "header-user", "skip-link"].forEach((id) => { $(id).hidden = !on; });
    $("login-view").hidden = on;
  }

  function showLogin(message, focus) {
    stopSession();
    showApp(false);
    $("login-error").textContent = message || "";
    $("login-password").value = "";
    $("composer-text").value = "";
    $("conversation-body").hidden = true;
    $("conversation-empty").hidden = false;
    if (focus !== false) $("login-username").focus();
  }

  function sessionExpired() { if (st.user) showLogin(t("session_expired")); }

  async function onLogin(ev) {
    ev.preventDefault();
    const username = $("login-username").value.trim(), password = $("login-password").value;
    if (!username || !password) {
      $("login-error").textContent = t("login_missing");
      $(username ? "login-password" : "login-username").focus();
      return;
    }
    $("login-submit").disabled = true;
    try {
      const data = await api("POST", "/login", { username: username, password: password });
      $("login-error").textContent = "";
      await startSession(data);
    } catch (e) {
      $("login-error").textContent = e.status === 401 ? t("login_failed") : (e.text || t("error"));
      $("login-password").focus();
    } finally {
      $("login-submit").disabled = false;
    }
  }

  async function onLogout() {
    if (st.openId) stopTyping(st.openId);
    try { await api("POST", "/logout"); } catch (e) { /* the session ends here anyway */ }
    showLogin("");
  }

  function renderUser() {
    $("user-name").textContent = st.user.name || "";
    $("user-role").textContent = roleLabel(st.user.role);
    if (st.user.status) $("agent-status").value = st.user.status;
  }

  async function onStatusChange() {
    const status = $("agent-status").value;
    try {
      const data = await api("POST", "/status", { status: status });
      if (data && data.user) st.user = Object.assign(st.user, data.user);
      refreshAll();
    } catch (e) {
      report(e);
      if (st.user) $("agent-status").value = st.user.status || "offline";
    }
  }

  // Outcomes and transfer targets change rarely: once per session and language.
  async function loadReference() {
    const [outcomes, targets] = await Promise.all([
      api("GET", "/outcomes" + langQuery()).catch(() => null),
      api("GET", "/transfer-targets" + langQuery()).catch(() => null)
    ]);
    if (Array.isArray(outcomes)) st.outcomes = outcomes;
    if (Array.isArray(targets)) st.targets = targets;
    await loadLabelOptions();
    fillOutcomes();
    if (st.conv) fillTargets(st.conv.conversation && st.conv.conversation.queue);
  }

  // ---------------------------------------------------------------- queues and my conversations
  async function refreshLists() {
    if (!st.user) return;
    try {
      const [queues, mine] = await Promise.all([api("GET", "/queues" + langQuery()), api("GET", "/conversations?mine=1")]);
      st.queues = Array.isArray(queues) ? queues : [];
      st.mine = Array.isArray(mine) ? mine : [];
      st.fetchedAt = Date.now();
      renderQueues();
      renderMine();
    } catch (e) {
      if (e.status !== 0) report(e); // offline: the connection status says so already
    }
    if (isSupervisor()) refreshSupervisor();
  }

  function refreshAll() {
    refreshLists();
    if (st.openId) loadConversation();
  }

  function renderQueues() {
    rerender($("queues"), (box) => {
      if (!st.queues.length) box.append(el("p", "empty", t("no_queues")));
      st.queues.forEach((q, i) => box.append(queueSection(q, i)));
    }, $("queues-heading"));
  }

  function queueSection(q, index) {
    const waiting = Array.isArray(q.waiting) ? q.waiting : [];
    const sec = el("div", "queue", null, { "data-queue-id": q.id });
    const head = el("div", "queue-head");
    head.append(el("h3", "queue-name", q.name || "", { id: "queue-" + index }),
      el("span", "badge " + (q.open ? "badge-open" : "badge-closed"), t(q.open ? "queue_open" : "queue_closed")));
    sec.append(head, el("p", "queue-info", [
      t("waiting_count", { count: waiting.length }),
      t("agents_online", { count: q.agents_online || 0 }),
      t("free_slots", { count: q.free_slots || 0 })
    ].join(" · ")));
    if (!waiting.length) return sec;
    const list = el("ul", "queue-list", null, { "aria-labelledby": "queue-" + index });
    waiting.forEach((w, j) => list.append(queueItem(w, index + "-" + j)));
    sec.append(list);
    return sec;
  }

  function queueItem(w, uid) {
    const id = w.conversation_id;
    const li = el("li", "queue-item", null, { "data-conversation-id": id });
    if (same(id, st.openId)) li.classList.add("is-open");
    const top = el("p", "item-top");
    top.append(langBadge(w.language));
    if (w.state === "message_left" || w.state === "callback_requested") {
      top.append(el("span", "kind kind-" + w.state, t("kind_" + w.state)));
    }
    top.append(el("span", "wait", t("waiting_for", { time: duration(w.waiting_seconds) }),
      { "data-waiting": String(w.waiting_seconds || 0), "data-format": "waiting_for" }));
    const title = el("p", "item-title", [w.service_title, w.region_name].filter(Boolean).join(" · "), { id: "item-" + uid });
    li.append(top, title);
    if (previewOf(w.preview)) li.append(el("p", "preview", previewOf(w.preview)));
    const buttons = el("div", "item-buttons");
    const show = el("button", "button-secondary open-conversation", t("show"), { type: "button", "data-key": "show:" + id, "aria-describedby": "item-" + uid });
    show.addEventListener("click", () => openConversation(id, false));
    const claim = el("button", "claim button-primary", t("claim"), { type: "button", "data-key": "claim:" + id, "aria-describedby": "item-" + uid });
    claim.addEventListener("click", () => claimConversation(id));
    buttons.append(show, claim);
    li.append(buttons);
    return li;
  }

  function renderMine() {
    rerender($("mine"), (ul) => {
      if (!st.mine.length) ul.append(el("li", "empty", t("no_mine")));
      st.mine.forEach((c) => {
        const id = c.conversation_id;
        const b = el("button", "mine-item", null, { type: "button", "data-conversation-id": id, "data-key": "mine:" + id });
        if (same(id, st.openId)) b.setAttribute("aria-current", "true");
        b.append(langBadge(c.language), el("span", "mine-queue", c.queue_name || ""), el("span", "preview", previewOf(c.preview)));
        b.addEventListener("click", () => openConversation(id, true));
        const li = el("li");
        li.append(b);
        ul.append(li);
      });
    }, $("mine-heading"));
  }

  // Waiting times count up between fetches without re-rendering the lists.
  function tick() {
    const elapsed = (Date.now() - st.fetchedAt) / 1000;
    document.querySelectorAll("[data-waiting]").forEach((n) => {
      const time = duration(Number(n.getAttribute("data-waiting")) + elapsed);
      const fmt = n.getAttribute("data-format");
      n.textContent = fmt ? t(fmt, { time: time }) : time;
    });
  }

  async function claimConversation(id) {
    try {
      await api("POST", convPath(id, "claim"));
      notify(t("claimed"));
      await openConversation(id, true);
      refreshLists();
    } catch (e) {
      report(e);
      if (e.status === 409 || e.status === 403) refreshAll();
    }
  }

  // ---------------------------------------------------------------- the open conversation
  async function openConversation(id, focusComposer) {
    if (!same(id, st.openId)) {
      if (st.openId) { stopTyping(st.openId); st.drafts[st.openId] = $("composer-text").value; }
      Object.assign(st, { openId: id, conv: null, lastSeq: 0, cannedInsert: null });
      clear($("transcript"));
      hideTyping();
      $("composer-text").value = st.drafts[id] || "";
      $("canned").value = "";
    }
    renderQueues();
    renderMine();
    await loadConversation();
    if (!same(id, st.openId) || !st.conv) return;
    if (focusComposer && !$("composer").hidden) $("composer-text").focus();
    else $("conversation-title").focus();
  }

  async function loadConversation() {
    const id = st.openId;
    if (!id) return;
    const ticket = ++st.convTicket; // a slower, older answer must not overwrite a newer one
    try {
      const data = await api("GET", convPath(id) + langQuery());
      if (ticket !== st.convTicket || !same(id, st.openId) || !data) return;
      const first = !st.conv;
      st.conv = data;
      renderConversation(first);
    } catch (e) {
      if (ticket !== st.convTicket) return; // a newer fetch answers (a frame and an action may both ask)
      if (e.status === 403 && st.conv && same(id, st.openId)) leftDesk(); // transferred, returned or closed
      else report(e);
    }
  }

  // Access ends with the role: a conversation that left this agent's desk closes quietly, with a note.
  function leftDesk() {
    st.openId = null;
    st.conv = null;
    $("conversation-body").hidden = true;
    $("conversation-empty").hidden = false;
    notify(t("left_desk"));
    renderMine();
  }

  function renderConversation(full) {
    const d = st.conv, c = d.conversation || {};
    const messages = (Array.isArray(d.messages) ? d.messages : []).slice().sort((a, b) => (a.seq || 0) - (b.seq || 0));
    $("conversation-empty").hidden = true;
    $("conversation-body").hidden = false;
    renderMeta(c);
    renderTranscript(messages, full);
    renderContext(d.context || {}, c);
    renderUnderstood(messages);
    renderHistory(Array.isArray(d.events) ? d.events : []);
    renderActions(c);
    if (d.customer_typing) showTyping(); else hideTyping();
  }

  function renderMeta(c) {
    const dl = $("conversation-meta");
    clear(dl);
    addRow(dl, t("language"), langName(c.language));
    addRow(dl, t("region"), c.region_name);
    addRow(dl, t("state"), stateLabel(c.state));
    addRow(dl, t("queue"), c.queue_name);
    if (c.agent) addRow(dl, t("handled_by"), agentName(c.agent));
  }

  // Appends only messages newer than those shown, so the live log announces just what is new.
  function renderTranscript(messages, full) {
    const log = $("transcript");
    if (full) { clear(log); st.lastSeq = 0; }
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
    messages.forEach((m) => {
      const seq = Number(m.seq) || 0;
      if (seq && seq <= st.lastSeq) return;
      log.append(messageNode(m));
      if (seq > st.lastSeq) st.lastSeq = seq;
    });
    if (full || atBottom) log.scrollTop = log.scrollHeight;
  }

  function messageNode(m) {
    const from = m.internal ? "note" : (["customer", "bot", "agent", "system"].includes(m.from) ? m.from : "system");
    const node = el("div", "msg msg-" + from + (from === "customer" && pressed(m) ? " msg-command" : ""),
      null, { "data-seq": String(m.seq) });
    if (from !== "system") {
      const labels = { customer: t("from_customer"), bot: t("from_bot"), agent: m.author || "", note: t("private_note") };
      let who = labels[from];
      if (from === "note" && m.author) who += " · " + m.author;
      const head = el("p", "msg-head");
      head.append(el("span", "msg-author", who));
      const time = formatTime(m.at);
      if (time) head.append(el("time", "msg-time", time, { datetime: toDate(m.at).toISOString() }));
      node.append(head);
    }
    node.append(el("p", "msg-text", from === "customer" && pressed(m) ? t("chose", { choice: m.text || "" }) : (m.text || "")));
    if (from === "customer" && m.understood && !pressed(m)) {
      const line = understoodLine(m.understood);
      if (line) node.append(el("p", "msg-understood", line));
    }
    const buttons = Array.isArray(m.buttons) ? m.buttons.map((b) => b && b.title).filter(Boolean) : [];
    if (buttons.length) node.append(el("p", "msg-buttons", buttons.map((b) => "[" + b + "]").join(" ")));
    if (from === "customer" && m.labellable) node.append(labelControl(m));
    return node;
  }

  function serviceLabel(s) {
    if (!s || typeof s !== "object") return String(s || "");
    const name = s.title || s.name || "";
    const p = percent(typeof s.confidence === "number" ? s.confidence : s.score);
    return p === null ? name : name + " (" + p + "\u00a0%)";
  }

  function understoodLine(u) {
    const what = u.service_title || u.intent_title;
    const p = percent(u.confidence);
    return what ? t("understood_line", { what: what, confidence: p === null ? "–" : p }) : "";
  }

  // The panel shows the latest customer message the bot interpreted.
  function renderUnderstood(messages) {
    const box = $("understood-body");
    clear(box);
    const last = messages.filter((m) => m.from === "customer" && m.understood && !pressed(m)).pop();
    if (!last) { box.append(el("p", "empty", t("nothing_understood"))); return; }
    const u = last.understood, p = percent(u.confidence);
    const dl = el("dl", "meta meta-stacked");
    if (u.intent_title) addRow(dl, t("intent"), u.intent_title);
    if (u.service_title) addRow(dl, t("service"), u.service_title);
    addRow(dl, t("confidence"), p === null ? "–" : p + "\u00a0%");
    box.append(dl);
    const services = Array.isArray(u.services) ? u.services.slice(0, 5) : [];
    if (!services.length) return;
    box.append(el("p", "panel-label", t("top_services"), { id: "top-services" }));
    const ol = el("ol", "top-services", null, { "aria-labelledby": "top-services" });
    services.forEach((s) => ol.append(el("li", null, serviceLabel(s))));
    box.append(ol);
  }

  function renderContext(ctx, c) {
    const id = $("context-identity");
    id.textContent = ctx.verified ? t("identity_verified") : t("no_verified_identity");
    id.classList.toggle("is-unverified", !ctx.verified);
    const dl = $("context-list");
    clear(dl);
    addRow(dl, t("language"), langName(ctx.language || c.language));
    addRow(dl, t("region"), ctx.region_name || c.region_name);
    if (ctx.business_id) addRow(dl, t("business_id"), ctx.business_id);
    const asked = Array.isArray(ctx.services_asked) ? ctx.services_asked.map(serviceLabel).filter(Boolean) : [];
    addRow(dl, t("services_asked"), asked.join(", "));
    const contact = c.contact && typeof c.contact === "object"
      ? Object.values(c.contact).filter((v) => typeof v === "string" && v).join(", ")
      : (c.contact || "");
    if (contact) addRow(dl, t("contact"), contact);
  }

  // Transfers, notes and outcomes from the conversation's events: what the previous handler left.
  function renderHistory(events) {
    const ul = $("history-list");
    clear(ul);
    events.filter((e) => HISTORY_KINDS.includes(e.kind)).forEach((e) => {
      const parts = [];
      if (e.kind === "transferred") {
        parts.push((e.from_queue_name || "–") + " → " + (e.to_queue_name || "–"));
      }
      if (e.outcome) parts.push(t("close_outcome") + ": " + (e.outcome_title || "–"));
      if (e.note) parts.push(e.note);
      if (!parts.length) return;
      const li = el("li");
      const who = [formatTime(e.at), agentName(e.actor)].filter(Boolean).join(" · ");
      if (who) li.append(el("span", "history-who", who));
      li.append(el("span", "history-what", parts.join(" – ")));
      ul.append(li);
    });
    $("history").hidden = !ul.firstChild;
  }

  function isMine(c) {
    const a = c.agent, aid = a && typeof a === "object" ? a.id : a;
    return c.state === "agent" && !!st.user && same(aid, st.user.id);
  }

  function renderActions(c) {
    const mine = isMine(c);
    $("composer").hidden = !mine;
    $("actions").hidden = !mine;
    $("read-only-note").hidden = mine;
    $("conversation-claim").hidden = mine || !WAITING_STATES.includes(c.state);
    if (!mine) return;
    fillCanned(c.language);
    fillTargets(c.queue);
  }

  function fillTargets(current) {
    const items = st.targets.filter((q) => !same(q.id, current))
      .map((q) => [String(q.id), q.open === false ? q.name + " – " + t("queue_closed") : q.name]);
    fillSelect($("transfer-target"), items, t("choose"));
  }

  function fillOutcomes() {
    fillSelect($("close-outcome"), st.outcomes.map((o) => [String(o.code), o.title || ""]), t("choose"));
  }

  // ---------------------------------------------------------------- learning from agents: message labels
  // Under each of the customer's own messages: which service it really was about (or not about growth
  // services at all). A select of service titles and a save button (a closed select fires change on
  // every arrow key, so choosing alone never saves); the saved label and its review state beside them.
  async function loadLabelOptions() {
    const list = await api("GET", "/labels" + langQuery()).catch(() => null);
    if (Array.isArray(list)) st.labelOptions = list;
  }

  function labelStatus(label) {
    if (!label) return "";
    return t("label_saved", { title: label.title || "" }) + " · " + t("label_state_" + (label.state || "pending"));
  }

  function labelControl(m) {
    const seq = String(m.seq), id = "label-" + seq;
    const box = el("div", "msg-label", null, { role: "group", "aria-labelledby": id + "-name" });
    const name = el("label", "msg-label-name", t("label_service"), { for: id, id: id + "-name" });
    const select = el("select", null, null, { id: id, "data-seq": seq });
    select.append(option("", t("label_none")));
    st.labelOptions.forEach((o) => select.append(option(String(o.label), o.title || "")));
    select.value = m.label && st.labelOptions.some((o) => o.label === m.label.label) ? m.label.label : "";
    const save = el("button", "button-secondary msg-label-save", t("label_save"), { type: "button", "aria-describedby": id + "-status" });
    const status = el("span", "msg-label-status", labelStatus(m.label), { id: id + "-status", "aria-live": "polite" });
    save.addEventListener("click", () => saveLabel(m, select, save, status));
    box.append(name, select, save, status);
    return box;
  }

  async function saveLabel(m, select, save, status) {
    const id = st.openId;
    if (!id) return;
    save.disabled = true;
    try {
      const data = await api("POST", convPath(id, "messages/" + encodeURIComponent(m.seq) + "/label"),
        { label: select.value || null });
      m.label = data && data.label ? data.label : null;
      status.textContent = m.label ? labelStatus(m.label) : t("label_cleared");
    } catch (e) {
      report(e);
    } finally {
      save.disabled = false;
    }
  }

  // ---------------------------------------------------------------- typing indicator
  function showTyping() {
    $("customer-typing").textContent = t("customer_typing");
    clearTimeout(st.typingHideTimer);
    st.typingHideTimer = setTimeout(hideTyping, TYPING_HIDE_MS);
  }
  function hideTyping() {
    clearTimeout(st.typingHideTimer);
    $("customer-typing").textContent = "";
  }

  // ---------------------------------------------------------------- composer
  async function onSend(ev) {
    ev.preventDefault();
    const box = $("composer-text"), text = box.value.trim(), id = st.openId;
    if (!id) return;
    if (!text) { notify(t("empty_message"), true); box.focus(); return; }
    $("composer-send").disabled = true;
    try {
      // The note checkbox stays as it is: re-ticking it for every note risks a note reaching the customer.
      await api("POST", convPath(id, "messages"), { text: text, internal: $("composer-internal").checked });
      if (same(id, st.openId)) { box.value = ""; $("canned").value = ""; st.cannedInsert = null; }
      delete st.drafts[id];
      stopTyping(id);
      await loadConversation();
    } catch (e) {
      report(e);
    } finally {
      $("composer-send").disabled = false;
      if (!$("composer").hidden) box.focus();
    }
  }

  function onComposerKey(ev) {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      if ($("composer").requestSubmit) $("composer").requestSubmit();
      else onSend(ev);
    }
  }

  function onComposerInput() {
    st.cannedInsert = null;
    const now = Date.now(), id = st.openId;
    if (!id || $("composer-internal").checked || !$("composer-text").value.trim()) return;
    if (now - st.typingSentAt < TYPING_EVERY_MS) return;
    st.typingSentAt = now;
    api("POST", convPath(id, "typing"), { on: true }).catch(() => { /* only a hint */ });
  }

  function stopTyping(id) {
    if (!st.typingSentAt) return;
    st.typingSentAt = 0;
    api("POST", convPath(id, "typing"), { on: false }).catch(() => { /* only a hint */ });
  }

  function onInternalChange() {
    $("composer").classList.toggle("is-note", $("composer-internal").checked);
    if ($("composer-internal").checked && st.openId) stopTyping(st.openId);
  }

  async function fillCanned(lang) {
    lang = pickLang(lang) || st.lang;
    if (st.cannedLang === lang) return;
    st.cannedLang = lang;
    if (!st.canned[lang]) {
      try {
        const list = await api("GET", "/canned?lang=" + lang);
        st.canned[lang] = Array.isArray(list) ? list : [];
      } catch (e) {
        st.cannedLang = null; // try again with the next refresh
        return;
      }
    }
    if (st.cannedLang !== lang) return;
    const items = st.canned[lang].map((c, i) => [String(i), c.title || c.text || ""]);
    fillSelect($("canned"), items, t("canned_choose"));
    $("canned").disabled = !items.length;
  }

  // Arrow keys on a closed select fire change for every option passed: while the composer still
  // holds exactly what the last choice produced, a new choice replaces that text instead of adding.
  function onCannedChange() {
    const box = $("composer-text"), sel = $("canned");
    const item = sel.value === "" ? null : (st.canned[st.cannedLang] || [])[Number(sel.value)];
    let base = box.value, start = box.selectionStart, end = box.selectionEnd;
    const last = st.cannedInsert;
    if (last && box.value === last.result) { base = last.before + last.after; start = end = last.before.length; }
    const text = item ? String(item.text || "") : "";
    const before = base.slice(0, start), after = base.slice(end);
    box.value = before + text + after;
    st.cannedInsert = { before: before, after: after, result: box.value };
    box.setSelectionRange(before.length + text.length, before.length + text.length);
  }

  // ---------------------------------------------------------------- actions
  async function act(name, body, done) {
    const id = st.openId;
    const buttons = ["transfer-submit", "return-to-bot", "close-submit", "composer-send"].map($);
    buttons.forEach((b) => { b.disabled = true; });
    try {
      stopTyping(id);
      await api("POST", convPath(id, name), body);
      notify(done);
      return true;
    } catch (e) {
      report(e);
      return false;
    } finally {
      buttons.forEach((b) => { b.disabled = false; });
      refreshLists();
      await loadConversation();
      if ($("actions").hidden) $("conversation-title").focus();
    }
  }

  async function onTransfer() {
    const queue = $("transfer-target").value;
    if (!queue) { notify(t("choose_target"), true); $("transfer-target").focus(); return; }
    if (await act("transfer", { queue: queue, note: $("transfer-note").value.trim() }, t("transferred"))) {
      $("transfer-note").value = "";
    }
  }

  function onReturn() { act("return", {}, t("returned")); }

  function onClose() {
    const outcome = $("close-outcome").value;
    if (!outcome) { notify(t("choose_outcome"), true); $("close-outcome").focus(); return; }
    act("close", { outcome: outcome }, t("closed"));
  }

  // ---------------------------------------------------------------- supervisor
  async function refreshSupervisor() {
    try {
      st.sup = await api("GET", "/supervisor" + langQuery());
      renderSupervisor();
      refreshEmailDeliveries();
    } catch (e) {
      if (e.status !== 0) report(e);
    }
  }

  function cells(row, values) { values.forEach((v) => row.append(el("td", null, v === "" || v == null ? "–" : v))); }

  function renderSupervisor() {
    if (!isSupervisor() || !st.sup) return;
    const qb = $("supervisor-queues"), ab = $("supervisor-agents");
    clear(qb);
    (st.sup.queues || []).forEach((q) => {
      const waiting = Array.isArray(q.waiting) ? q.waiting : [];
      const longest = waiting.reduce((m, w) => Math.max(m, w.waiting_seconds || 0), 0);
      const tr = el("tr", null, null, { "data-queue-id": q.id });
      tr.append(el("th", null, q.name || "", { scope: "row" }));
      cells(tr, [String(waiting.length)]);
      tr.append(waiting.length ? el("td", null, duration(longest), { "data-waiting": String(longest) }) : el("td", null, "–"));
      cells(tr, [String(q.agents_online || 0), t(q.open ? "yes" : "no")]);
      qb.append(tr);
    });
    clear(ab);
    (st.sup.agents || []).forEach((a) => {
      const tr = el("tr", null, null, { "data-agent-id": a.id });
      tr.append(el("th", null, a.name || "", { scope: "row" }));
      const region = a.region_name || a.region || "";
      cells(tr, [roleLabel(a.role), a.status ? t("status_" + a.status) : "", (a.chats || 0) + "/" + (a.max_chats || 0),
        (a.languages || []).map((l) => String(l).toUpperCase()).join(", "), region]);
      ab.append(tr);
    });
  }

  // ---------------------------------------------------------------- supervisor: email deliveries
  async function refreshEmailDeliveries() {
    let rows;
    try { rows = await api("GET", "/supervisor/email"); } catch (e) { return; }
    const body = $("supervisor-email");
    if (!body || !Array.isArray(rows)) return;
    clear(body);
    rows.forEach((d) => {
      const tr = el("tr", null, null, { "data-conversation-id": d.conversation_id, "data-state": d.state });
      tr.append(el("th", null, d.to || "", { scope: "row" }));
      const error = d.last_error === "no relay configured" ? t("no_relay") : d.last_error;
      cells(tr, [t("delivery_" + d.state), String(d.attempts || 0), d.state === "sent" ? "" : error]);
      body.append(tr);
    });
  }

  // ---------------------------------------------------------------- live updates
  function connectSocket() {
    if (!st.user || st.ws) return;
    st.wsTimer = null;
    let sock;
    try {
      sock = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/console");
    } catch (e) { scheduleSocket(); return; }
    st.ws = sock;
    sock.onopen = () => {
      if (sock !== st.ws) return;
      st.wsAttempts = 0;
      if (st.wsLost) { st.wsLost = false; setConnection(t("reconnected"), true); refreshAll(); }
    };
    sock.onmessage = (ev) => {
      if (sock !== st.ws) return;
      let f;
      try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f && typeof f === "object") onFrame(f);
    };
    sock.onclose = () => {
      if (sock !== st.ws) return;
      st.ws = null;
      if (!st.user) return;
      st.wsLost = true;
      setConnection(t("connection_lost"));
      scheduleRefresh(false); // a refused socket often means the session expired: the API tells
      scheduleSocket();
    };
    sock.onerror = () => { /* onclose follows */ };
  }

  function scheduleSocket() {
    if (st.wsTimer || !st.user) return;
    const delay = Math.min(30000, 1000 * Math.pow(2, st.wsAttempts)) * (0.75 + Math.random() * 0.5);
    st.wsAttempts++;
    st.wsTimer = setTimeout(connectSocket, delay);
  }

  function onFrame(f) {
    if (f.type === "changed" || f.type === "left") { // left: out of this user's sight now
      scheduleRefresh(same(f.conversation_id, st.openId));
    } else if (f.type === "typing" && same(f.conversation_id, st.openId) && f.from !== "agent") {
      if (f.on) showTyping(); else hideTyping();
    }
  }

  // Bursts of frames cause one fetch: the first frame starts the timer, the rest ride along.
  function scheduleRefresh(conversationToo) {
    if (conversationToo) st.refreshConv = true;
    if (st.refreshTimer) return;
    st.refreshTimer = setTimeout(() => {
      const conv = st.refreshConv;
      st.refreshTimer = null;
      st.refreshConv = false;
      refreshLists();
      if (conv) loadConversation();
    }, DEBOUNCE_MS);
  }

  // ---------------------------------------------------------------- wiring
  function bindEvents() {
    $("login-form").addEventListener("submit", onLogin);
    $("logout").addEventListener("click", onLogout);
    $("agent-status").addEventListener("change", onStatusChange);
    $("ui-language").addEventListener("change", onLanguageChange);
    $("composer").addEventListener("submit", onSend);
    $("composer-text").addEventListener("keydown", onComposerKey);
    $("composer-text").addEventListener("input", onComposerInput);
    $("composer-text").addEventListener("blur", () => { if (st.openId) stopTyping(st.openId); });
    $("composer-internal").addEventListener("change", onInternalChange);
    $("canned").addEventListener("change", onCannedChange);
    $("transfer-submit").addEventListener("click", onTransfer);
    $("return-to-bot").addEventListener("click", onReturn);
    $("close-submit").addEventListener("click", onClose);
    $("conversation-claim").addEventListener("click", () => { if (st.openId) claimConversation(st.openId); });
    window.addEventListener("online", () => {
      if (st.user && !st.ws) { clearTimeout(st.wsTimer); st.wsTimer = null; st.wsAttempts = 0; connectSocket(); }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", boot);
  else boot();
})();
