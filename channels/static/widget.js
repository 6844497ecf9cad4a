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
  var MAX_CHARS = 2000;     // the server's max_message_chars, from /widget/config.json
  var RETENTION_DAYS = 180; // how long conversations are kept (the privacy notice), from the same

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
    error: "Something went wrong. Please try again.",
    subtitle_bot: "Virtual assistant",
    subtitle_queue: "Waiting for an expert",
    subtitle_agent: "{name}, expert",
    expert: "Expert",
    agent_typing: "{name} is typing…",
    expert_typing: "The expert is typing…",
    queue_position: "You are number {position} in the queue. Estimated wait about {minutes} min.",
    queue_position_short: "You are number {position} in the queue.",
    leave_message_title: "Leave a message",
    leave_message_intro: "An expert will answer by email, usually within two working days. We use your address only for this answer.",
    callback_title: "Ask for a call back",
    callback_intro: "An expert will call you back, usually within two working days. We use your number only for this call.",
    email_label: "Email address",
    phone_label: "Phone number",
    message_label: "Message",
    callback_text_label: "When and about what should we call you?",
    optional: "(optional)",
    cancel: "Cancel",
    sending: "Sending…",
    error_email_empty: "Enter your email address.",
    error_email_invalid: "Check the email address. It should look like name@example.fi.",
    error_phone_empty: "Enter your phone number.",
    error_phone_invalid: "Check the phone number, for example 040 123 4567 or +358 40 123 4567.",
    error_text_empty: "Write your message.",
    message_sent: "Your message has been sent.",
    callback_sent: "Your call back request has been sent.",
    greeting: "Hi! I am Neuvo, a virtual assistant. I answer questions about job seeking, recruiting, starting and growing a business, and public funding.",
    catalogue_note: "My answers come from the public service catalogue of the employment and business services.",
    examples_label: "Example questions",
    example_1: "How do I register as a jobseeker?",
    example_2: "How do I apply for a start-up grant?",
    example_3: "What support can I get for hiring an employee?",
    privacy_notice: "Please do not send your personal identity code. Conversations are deleted after {days} days.",
    privacy_link: "How we handle your data",
    chars_counter: "{count}/{max} characters",
    too_long: "Your message is {over} characters too long (at most {max}). Shorten it to send it.",
    error_text_too_long: "The message is {over} characters too long (at most {max})."
  };
  var S = copy(DEFAULTS);

  // "{name} is typing…" + {name: "Anna"}; the values are plain text, shown with text nodes only.
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

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
  // Who answers: "bot", "queue" (waiting for an expert) or "agent" (state.agent = the expert's name).
  state.mode = ["bot", "queue", "agent"].indexOf(state.mode) >= 0 ? state.mode : "bot";
  state.agent = typeof state.agent === "string" && state.agent ? state.agent : null;
  state.queue = state.queue && typeof state.queue.position === "number" ? state.queue : null;
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
  var avatar = el("span", "neuvo-avatar", { "aria-hidden": "true" });
  var heading = el("div", "neuvo-heading");
  var title = el("h2", "neuvo-title", { id: uid + "-title" });
  var subtitle = el("p", "neuvo-subtitle");
  heading.appendChild(title);
  heading.appendChild(subtitle);
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
  header.appendChild(avatar);
  header.appendChild(heading);
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

  // The greeting: what Neuvo helps with, where its answers come from, and the privacy notice.
  var intro = el("div", "neuvo-msg neuvo-msg-bot neuvo-intro");
  var introText = el("p", "neuvo-intro-text");
  var introNote = el("p", "neuvo-intro-note");
  var privacyLine = el("p", "neuvo-privacy");
  var privacyText = el("span");
  var privacyLink = el("a", "neuvo-link", { target: "_blank", rel: "noopener noreferrer" });
  privacyLine.appendChild(privacyText);
  privacyLine.appendChild(document.createTextNode(" "));
  privacyLine.appendChild(privacyLink);
  intro.appendChild(introText);
  intro.appendChild(introNote);
  intro.appendChild(privacyLine);

  var queueLine = el("div", "neuvo-queue", { role: "status" }); // the place in the queue, read out when it changes
  var status = el("div", "neuvo-status", { role: "status" });
  var quick = el("div", "neuvo-quick-replies", { role: "group" });
  quick.hidden = true;

  var form = el("form", "neuvo-form");
  var inputLabel = el("label", "neuvo-visually-hidden", { "for": uid + "-input" });
  var input = el("textarea", "neuvo-input", { id: uid + "-input", rows: "2", "aria-describedby": uid + "-counter" });
  var sendBtn = el("button", "neuvo-send", { type: "submit" });
  // No maxlength: a browser would cut a pasted text silently. The counter says how long it is, and at
  // the limit a notice says by how much it is over; the text stays until the customer shortens it.
  var counter = el("p", "neuvo-counter", { id: uid + "-counter" });
  var limitNotice = el("p", "neuvo-limit", { id: uid + "-limit", role: "alert" });
  form.appendChild(inputLabel);
  form.appendChild(input);
  form.appendChild(sendBtn);
  form.appendChild(counter);
  form.appendChild(limitNotice);

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

  // Leave a message / call back request, offered by the no_agents system message.
  var contact = el("form", "neuvo-contact", { novalidate: "novalidate", "aria-labelledby": uid + "-contact-title" });
  contact.hidden = true;
  var contactTitle = el("h3", "neuvo-contact-title", { id: uid + "-contact-title" });
  var contactIntro = el("p", "neuvo-contact-intro");
  contact.appendChild(contactTitle);
  contact.appendChild(contactIntro);
  function field(name, tag, attrs) {
    var wrap = el("div", "neuvo-field");
    var label = el("label", "neuvo-field-label", { "for": uid + "-" + name });
    var labelText = el("span");
    var note = el("span", "neuvo-field-note");
    label.appendChild(labelText);
    label.appendChild(document.createTextNode(" "));
    label.appendChild(note);
    var control = el(tag, "neuvo-field-input", attrs);
    control.id = uid + "-" + name;
    var error = el("p", "neuvo-field-error", { id: uid + "-" + name + "-error" });
    wrap.appendChild(label);
    wrap.appendChild(control);
    wrap.appendChild(error);
    contact.appendChild(wrap);
    return { wrap: wrap, label: labelText, note: note, control: control, error: error, errorKey: null, errorText: null };
  }
  var fEmail = field("email", "input", { type: "email", name: "email", autocomplete: "email", maxlength: "254", spellcheck: "false" });
  var fPhone = field("phone", "input", { type: "tel", name: "phone", autocomplete: "tel", maxlength: "40" });
  var fText = field("text", "textarea", { name: "text", rows: "3" });
  var contactButtons = el("div", "neuvo-contact-buttons");
  var contactSubmit = el("button", "neuvo-send", { type: "submit" });
  var contactCancel = el("button", "neuvo-secondary", { type: "button" });
  contactButtons.appendChild(contactSubmit);
  contactButtons.appendChild(contactCancel);
  contact.appendChild(contactButtons);

  panel.appendChild(header);
  panel.appendChild(log);
  panel.appendChild(typing);
  panel.appendChild(queueLine);
  panel.appendChild(status);
  panel.appendChild(quick);
  panel.appendChild(form);
  panel.appendChild(actions);
  panel.appendChild(rating);
  panel.appendChild(contact);
  root.appendChild(panel);
  root.appendChild(launcher);

  function mount() { document.body.appendChild(root); }

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
    setText(legend, S.rating_question);
    ratingLabels.forEach(function (lab, i) { setText(lab, S["rating_" + (i + 1)]); });
    setText(ratingSubmit, S.rating_submit);
    setText(ratingSkip, S.skip);
    setText(introText, S.greeting);
    setText(introNote, S.catalogue_note);
    setText(privacyText, fmt(S.privacy_notice, { days: RETENTION_DAYS }));
    setText(privacyLink, S.privacy_link);
    privacyLink.href = BASE + "/privacy?lang=" + encodeURIComponent(state.lang);
    renderMode();
    renderContactLabels();
    renderQuickReplies();
    updateCounter();
  }

  // What the server counts (whitespace runs are one space; characters, not UTF-16 units).
  function chars(text) { return Array.from(String(text).replace(/\s+/g, " ").replace(/^ | $/g, "")).length; }

  function updateCounter() {
    var n = chars(input.value), over = n - MAX_CHARS;
    setText(counter, n ? fmt(S.chars_counter, { count: n, max: MAX_CHARS }) : "");
    counter.classList.toggle("neuvo-counter-over", over > 0);
    setText(limitNotice, over > 0 ? fmt(S.too_long, { over: over, max: MAX_CHARS }) : "");
    limitNotice.hidden = over <= 0;
    input.setAttribute("aria-describedby", uid + "-counter" + (over > 0 ? " " + uid + "-limit" : ""));
    if (over > 0) { input.setAttribute("aria-invalid", "true"); sendBtn.setAttribute("aria-disabled", "true"); }
    else { input.removeAttribute("aria-invalid"); sendBtn.removeAttribute("aria-disabled"); }
  }

  // ---------------------------------------------------------------- who answers: bot, queue or an expert
  function initials(name) {
    var words = name.replace(/^\s+|\s+$/g, "").split(/\s+/);
    var first = words[0].charAt(0), last = words.length > 1 ? words[words.length - 1].charAt(0) : "";
    return (first + last).toUpperCase() || "?";
  }

  function typingLabel(from) {
    if (from !== "agent") return S.typing;
    return state.agent ? fmt(S.agent_typing, { name: state.agent }) : S.expert_typing;
  }

  function queueText() {
    var q = state.mode === "queue" ? state.queue : null;
    if (!q || typeof q.position !== "number") return "";
    if (typeof q.wait_minutes === "number" && q.wait_minutes >= 0)
      return fmt(S.queue_position, { position: q.position, minutes: Math.round(q.wait_minutes) });
    return fmt(S.queue_position_short, { position: q.position });
  }

  function renderMode() {
    var agent = state.mode === "agent";
    setText(subtitle, agent ? (state.agent ? fmt(S.subtitle_agent, { name: state.agent }) : S.expert)
      : state.mode === "queue" ? S.subtitle_queue : S.subtitle_bot);
    setText(avatar, agent && state.agent ? initials(state.agent) : "N");
    avatar.setAttribute("data-mode", state.mode);
    panel.setAttribute("data-mode", state.mode);
    setText(typingText, typingLabel(typing.getAttribute("data-from")));
    var text = queueText();
    if (queueLine.textContent !== text) setText(queueLine, text); // unchanged text is not read out again
    updateBottom();
  }

  function setMode(mode, agentName, queue) {
    state.mode = mode;
    state.agent = mode === "agent" && typeof agentName === "string" && agentName ? agentName.slice(0, 80) : null;
    state.queue = mode === "queue" ? queue || null : null;
    if (mode !== "agent" && typing.getAttribute("data-from") === "agent") showTyping(false);
    save();
    renderMode();
  }

  function queueInfo(position, minutes) {
    return typeof position === "number" && position > 0
      ? { position: position, wait_minutes: typeof minutes === "number" ? minutes : null } : null;
  }

  // A system message that has just arrived changes who answers.
  function applyEvent(m) {
    var d = m.details && typeof m.details === "object" ? m.details : {};
    switch (m.event) {
      case "queued":
        setMode("queue", null, queueInfo(d.position, d.wait_minutes));
        break;
      case "transferred":
        setMode("queue", null, queueInfo(d.position, d.wait_minutes)); // in the new queue
        break;
      case "agent_joined":
        setMode("agent", d.agent, null);
        break;
      case "agent_left":
      case "returned_to_bot":
      case "no_agents":
      case "message_left":
      case "callback_requested":
        setMode("bot", null, null);
        break;
      case "closed":
        setMode("bot", null, null);
        ratingDue();
        break;
      default:
        break;
    }
  }

  // After a resume, the conversation's state on the server wins over what this tab remembered.
  function syncMode(serverState) {
    var mode = serverState === "agent" ? "agent"
      : serverState === "queued" || serverState === "handoff_requested" ? "queue"
      : typeof serverState === "string" ? "bot" : null;
    if (mode && mode !== state.mode) setMode(mode, state.agent, null);
  }

  // ---------------------------------------------------------------- typing indicators
  var typingTimer = null;
  function showTyping(on, from) {
    clearTimeout(typingTimer);
    typingTimer = null;
    if (!on) {
      typing.hidden = true;
      typing.removeAttribute("data-from");
      return;
    }
    from = from === "agent" ? "agent" : "bot";
    typing.setAttribute("data-from", from);
    setText(typingText, typingLabel(from));
    typing.hidden = false;
    scrollDown();
    // An expert's console may never send "off" (tab closed): hide 6 s after the last "on".
    if (from === "agent") typingTimer = setTimeout(function () { showTyping(false); }, 6000);
  }

  // ---------------------------------------------------------------- what the bottom of the panel shows
  // One of: the composer (with quick replies and "Talk to a human"), the rating, or the contact form.
  function updateBottom() {
    var composer = rating.hidden && contact.hidden;
    form.hidden = !composer;
    actions.hidden = !composer || state.mode !== "bot"; // already waiting for or talking with an expert
    quick.hidden = !composer || quick.childNodes.length === 0;
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
    if (from === "system" && typeof m.event === "string") bubble.setAttribute("data-event", m.event);
    if (from === "agent" && typeof m.author === "string" && m.author) {
      bubble.appendChild(setText(el("div", "neuvo-msg-author"), m.author));
    }
    if (from === "bot" && isAnswer(m.answer)) {
      renderAnswer(bubble, m.answer);
      log.appendChild(bubble);
      return;
    }
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

  // A catalogue answer (docs/protocol.md): the service as a heading, the short answer to the question asked,
  // every other part folded in a native <details> (Tab reaches its summary, Enter or Space opens it),
  // then the source link and the review date. Every label comes with the answer, in the conversation's
  // language, so a bubble never mixes languages. Text nodes only, like every message.
  function isAnswer(a) {
    return !!a && typeof a === "object" && typeof a.title === "string" && typeof a.short === "string";
  }

  function renderAnswer(bubble, a) {
    bubble.classList.add("neuvo-answer");
    bubble.appendChild(setText(el("h3", "neuvo-answer-title"), a.title));
    if (typeof a.note === "string" && a.note) bubble.appendChild(setText(el("p", "neuvo-answer-note"), a.note));
    var short = el("p", "neuvo-answer-short");
    appendLinkified(short, a.short);
    bubble.appendChild(short);
    (Array.isArray(a.sections) ? a.sections : []).forEach(function (s) {
      if (!s || typeof s.label !== "string") return;
      var section = el("details", "neuvo-answer-section", { "data-key": String(s.key || "") });
      if (s.open === true) section.open = true;
      section.appendChild(setText(el("summary", "neuvo-answer-label"), s.label));
      if (Array.isArray(s.items)) {
        var list = el("ul", "neuvo-answer-items");
        s.items.forEach(function (item) {
          var li = el("li");
          appendLinkified(li, String(item));
          list.appendChild(li);
        });
        section.appendChild(list);
      } else {
        var text = el("p", "neuvo-answer-text");
        appendLinkified(text, String(s.text || ""));
        section.appendChild(text);
      }
      bubble.appendChild(section);
    });
    if (typeof a.source_url === "string" && /^https?:\/\//i.test(a.source_url)) {
      var src = el("p", "neuvo-answer-source");
      if (typeof a.source_label === "string" && a.source_label) {
        src.appendChild(document.createTextNode(a.source_label + ": "));
      }
      src.appendChild(link(a.source_url));
      bubble.appendChild(src);
    }
    var reviewed = typeof a.reviewed_text === "string" && a.reviewed_text ? a.reviewed_text
      : typeof a.reviewed === "string" ? a.reviewed : "";
    if (reviewed) bubble.appendChild(setText(el("p", "neuvo-answer-reviewed"), reviewed));
  }

  // Where the log scrolls to: the title of the latest answer when no customer message came after it (its
  // start is read first, not its end), else null (the bottom).
  function answerStart() {
    for (var node = log.lastChild; node; node = node.previousSibling) {
      if (!node.classList) continue;
      if (node.classList.contains("neuvo-msg-customer")) return null;
      if (node.classList.contains("neuvo-answer")) {
        var top = node.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop;
        return Math.max(0, top - 8);
      }
    }
    return null;
  }

  function renderQuickReplies() {
    while (quick.firstChild) quick.removeChild(quick.firstChild);
    var shown = state.messages.filter(visible);
    var lastMsg = shown[shown.length - 1];
    var buttons = lastMsg && lastMsg.from !== "customer" && Array.isArray(lastMsg.buttons) ? lastMsg.buttons : [];
    // Before the first question: example questions, sent as the customer's own words.
    var examples = !buttons.length && !state.messages.some(function (m) { return m.from === "customer"; });
    if (examples) buttons = [1, 2, 3].map(function (i) { return { title: S["example_" + i], payload: S["example_" + i] }; });
    if (examples) quick.setAttribute("aria-label", S.examples_label); else quick.removeAttribute("aria-label");
    buttons.forEach(function (b) {
      if (!b || typeof b.payload !== "string") return;
      var btn = el("button", "neuvo-quick-reply", { type: "button", "data-payload": b.payload });
      setText(btn, b.title || b.payload);
      btn.addEventListener("click", function () {
        // The no_agents offer opens a form in the panel; the payload itself is not a message.
        if (b.payload === "/leave_message" || b.payload === "/callback") {
          openContact(b.payload === "/callback" ? "callback" : "message", b.payload);
          return;
        }
        if (lastMsg) lastMsg.buttons = [];
        send(b.payload, b.title || b.payload);
        input.focus();
      });
      quick.appendChild(btn);
    });
    updateBottom();
  }

  function scrollDown() {
    var start = answerStart();
    log.scrollTop = start === null ? log.scrollHeight : start;
  }

  function renderAll() {
    while (log.firstChild) log.removeChild(log.firstChild);
    log.appendChild(intro);
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

  function pendingIndex(id) {
    for (var i = 0; i < state.pending.length; i++) if (state.pending[i].id === id) return i;
    return -1;
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
  var refusedUntil = 0; // too many sockets from this address: no new one before this time

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
    if (ws || retryTimer || refusedForGood) return;
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
    var opened = false;
    sock.onopen = function () {
      opened = true;
      if (sock !== ws) return;
      if (state.token) frame({ type: "resume", token: state.token, last_seq: state.last_seq });
      else frame(startFrame());
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
      showTyping(false);
      lost = true;
      if (Date.now() >= refusedUntil) showStatus(S.connection_lost); // else the refusal's message stays
      if (!opened && attempts >= 1) { // refused at the handshake twice: is this page still allowed?
        checkEmbedding().then(function (allowed) { if (allowed && !refusedForGood) scheduleReconnect(); });
        return;
      }
      scheduleReconnect();
    };
    sock.onerror = function () { /* onclose follows */ };
  }

  function scheduleReconnect() {
    if (retryTimer || refusedForGood) return;
    var delay = Math.min(10000, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() * 0.5);
    delay = Math.max(delay, refusedUntil - Date.now());
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
    state.pending.forEach(function (p) { frame(p.frame || { type: "message", id: p.id, text: p.text }); });
  }

  function resetConversation() {
    state.rated = false; // a new conversation may be rated again
    state.rating_asked = false;
    state.rating_due = false;
    state.mode = "bot";
    state.agent = null;
    state.queue = null;
  }

  function handle(f) {
    switch (f.type) {
      case "started":
        state.token = f.token;
        state.last_seq = 0;
        resetConversation();
        save();
        renderMode();
        onReady();
        break;
      case "resumed":
        if (f.token) { state.token = f.token; save(); } // a fresh token: an active chat never expires
        syncMode(f.state);
        onReady();
        break;
      case "ack":
        var acked = state.pending[pendingIndex(String(f.id))];
        markAcked(String(f.id), typeof f.seq === "number" ? f.seq : null);
        if (acked && acked.frame && acked.frame.type === "leave_message") contactAcked(acked);
        break;
      case "message":
        onMessage(f);
        break;
      case "typing":
        showTyping(!!f.on, f.from);
        break;
      case "status":
        // Not stored: the place in the queue. Other changes come as stored system messages.
        if (f.event === "queue_position" && state.mode !== "agent") {
          var q = queueInfo(f.position, f.wait_minutes);
          if (q) setMode("queue", null, q);
        }
        break;
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
    var m = {
      seq: seq, from: f.from, text: text, id: f.id || null,
      buttons: Array.isArray(f.buttons) ? f.buttons : [],
      source_url: typeof f.source_url === "string" ? f.source_url : null,
      answer: f.answer && typeof f.answer === "object" ? f.answer : null,
      hidden: f.from === "customer" && text.charAt(0) === "/" // a replayed command or button payload
    };
    if (f.from === "agent" && typeof f.author === "string") m.author = f.author.slice(0, 80);
    if (f.from === "system" && typeof f.event === "string") {
      m.event = f.event;
      if (f.details && typeof f.details === "object") m.details = f.details;
    }
    if (f.from === "agent" && typing.getAttribute("data-from") === "agent") showTyping(false);
    addMessage(m);
    if (m.event) applyEvent(m);
  }

  // Errors that refuse a message for now, not for good: it stays pending and is sent again.
  var RETRY_LATER = { rate_limited: true, not_started: true, internal: true };
  var retryTimers = {};

  function resendLater(p, seconds) {
    clearTimeout(retryTimers[p.id]);
    retryTimers[p.id] = setTimeout(function () {
      delete retryTimers[p.id];
      if (ready && pendingIndex(p.id) >= 0) frame(p.frame || { type: "message", id: p.id, text: p.text });
    }, Math.max(1, Math.min(600, Number(seconds) || 5)) * 1000);
  }

  // The page's language (the socket's ?lang=) is the conversation's default, which the customer's own
  // words may change; a language picked in the selector is fixed (docs/nlu.md, "Language").
  function startFrame() {
    var f = { type: "start" };
    if (state.lang_chosen) f.lang = state.lang;
    if (REGION) f.region = REGION;
    return f;
  }

  function onError(f) {
    var message = typeof f.message === "string" && f.message ? f.message : S.error;
    if (f.code === "invalid_token") {
      // The conversation cannot be resumed: start a new one, keeping unsent messages.
      state.token = null;
      state.last_seq = 0;
      resetConversation();
      seen = {};
      state.messages = state.messages.filter(function (m) { return m.pending; });
      save();
      renderAll();
      renderMode();
      frame(startFrame());
      return;
    }
    if (f.code === "invalid_region" && !state.token && REGION) {
      REGION = null; // the page's data-region is no region code: chat without one
      frame(startFrame());
      return;
    }
    if (f.code === "rate_limited" && typeof f.id !== "string" && !state.token) { // the start itself: try again
      setTimeout(function () { if (ws && !ready && !state.token) frame(startFrame()); },
        Math.max(1, Number(f.retry_after) || 5) * 1000);
      showStatus(message, true);
      return;
    }
    if (f.code === "too_many_connections") {
      refusedUntil = Date.now() + Math.max(1, Number(f.retry_after) || 10) * 1000;
      showStatus(message);
      return; // the server closes this socket; the next try waits (scheduleReconnect)
    }
    // The refused frame: named by its id, or (an older server) the oldest unacknowledged one.
    var at = typeof f.id === "string" ? pendingIndex(f.id) : -1;
    var contactError = f.code === "invalid_email" || f.code === "invalid_phone";
    if (at < 0 && typeof f.id !== "string") {
      if (contactError) {
        for (var i = 0; i < state.pending.length && at < 0; i++) if (state.pending[i].frame) at = i;
      } else if (f.code === "empty_message" || f.code === "message_too_long" || f.code === "invalid_id") {
        at = state.pending.length ? 0 : -1;
      }
    }
    var p = at >= 0 ? state.pending[at] : null;
    if (p && RETRY_LATER[f.code] && (f.code !== "internal" || (p.failed = (p.failed || 0) + 1) < 3)) {
      resendLater(p, f.retry_after); // an internal error is tried three times, then the message is dropped
    } else if (p) {
      // Refused as invalid: never sent again (not on this socket, not after a reconnect).
      state.pending.splice(at, 1);
      if (p.frame) {
        save();
        contactRefused(p.frame, f.code, message);
        return;
      }
      state.messages = state.messages.filter(function (m) { return m.id !== p.id; });
      save();
      renderAll();
      showTyping(false);
    }
    showStatus(message, true);
  }

  // ---------------------------------------------------------------- open / close / rating
  function isOpen() { return !panel.hidden; }

  function open(restoring) {
    if (refusedForGood) return;
    if (!document.body.contains(root)) mount();
    hideRating();
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    state.open = true;
    save();
    ensureConnected();
    scrollDown();
    if (state.rating_due && !state.rated && !state.rating_asked) showRating("closed", restoring === true);
    else if (restoring !== true) (contact.hidden ? input : contactFirstField()).focus();
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

  // reason "close": the customer closes the panel; "closed": the expert closed the conversation.
  var ratingReason = "close";
  function showRating(reason, noFocus) {
    ratingReason = reason;
    state.rating_asked = true; // once per conversation
    state.rating_due = false;
    save();
    var ae = document.activeElement;
    var hadFocus = ae && (form.contains(ae) || actions.contains(ae) || quick.contains(ae) || contact.contains(ae));
    hideContact();
    rating.hidden = false;
    updateBottom();
    var checked = rating.querySelector("input:checked");
    if (checked) checked.checked = false;
    // Asked for, or the focus was in what is now hidden; otherwise the focus is not taken away.
    if (reason === "close" || (hadFocus && !noFocus)) rating.querySelector("input").focus();
  }

  function hideRating() {
    if (rating.hidden) return;
    rating.hidden = true;
    renderQuickReplies();
  }

  // The expert closed the conversation: ask for the rating now, or when the panel opens next.
  function ratingDue() {
    if (state.rated || state.rating_asked) return;
    state.rating_due = true;
    save();
    if (isOpen() && rating.hidden) showRating("closed");
  }

  function afterRating() {
    if (ratingReason === "closed") { // stay in the conversation
      hideRating();
      input.focus();
    } else {
      close();
    }
  }

  launcher.addEventListener("click", function () { open(); });
  closeBtn.addEventListener("click", function () {
    if (rating.hidden && contact.hidden && !state.rated && !state.rating_asked && hasBotAnswer()) showRating("close");
    else close();
  });
  ratingSkip.addEventListener("click", function () {
    state.rated = true; // ask once per conversation
    save();
    afterRating();
  });
  rating.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var checked = rating.querySelector("input:checked");
    if (!checked) { rating.querySelector("input").focus(); return; }
    state.rated = true;
    send("/feedback{\"rating\": " + Number(checked.value) + "}", null, true);
    hideRating();
    showStatus(S.rating_thanks, true);
    if (ratingReason === "closed") {
      input.focus();
      return;
    }
    closeBtn.focus();
    setTimeout(function () { if (isOpen()) close(); }, 1500);
  });

  // ---------------------------------------------------------------- leave a message / call back
  var contactKind = "message", contactOpener = null, contactPendingId = null;
  // The same rules as the server's (handoff/desk.py), so that what passes here is accepted there.
  var EMAIL_RE = /^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$/;
  function validPhone(v) {
    return /^\+?[0-9][0-9 ()-]{5,19}$/.test(v) && v.replace(/\D/g, "").length >= 6;
  }
  function trim(v) { return String(v || "").replace(/^\s+|\s+$/g, ""); }

  // key: a string key (translated again on a language switch); text: a server message.
  function setFieldError(f, key, text) {
    f.errorKey = key || null;
    f.errorText = key ? null : text || null;
    var message = key ? fmt(S[key], { over: chars(trim(f.control.value)) - MAX_CHARS, max: MAX_CHARS }) : text || "";
    setText(f.error, message);
    if (message) {
      f.control.setAttribute("aria-invalid", "true");
      f.control.setAttribute("aria-describedby", f.error.id);
    } else {
      f.control.removeAttribute("aria-invalid");
      f.control.removeAttribute("aria-describedby");
    }
  }

  function renderContactLabels() {
    var callback = contactKind === "callback";
    setText(contactTitle, callback ? S.callback_title : S.leave_message_title);
    setText(contactIntro, callback ? S.callback_intro : S.leave_message_intro);
    setText(fEmail.label, S.email_label);
    setText(fPhone.label, S.phone_label);
    setText(fText.label, callback ? S.callback_text_label : S.message_label);
    setText(fText.note, callback ? S.optional : "");
    setText(contactSubmit, S.send);
    setText(contactCancel, S.cancel);
    [fEmail, fPhone, fText].forEach(function (f) { if (f.errorKey) setFieldError(f, f.errorKey, null); });
  }

  // kind "message" | "callback"; opener: payload of the button that gets the focus back; values: prefill.
  function openContact(kind, opener, values) {
    values = values || {};
    hideRating();
    contactKind = kind === "callback" ? "callback" : "message";
    contactOpener = opener || null;
    contactPendingId = null;
    contactSubmit.removeAttribute("aria-disabled");
    contact.setAttribute("data-kind", contactKind);
    var callback = contactKind === "callback";
    fEmail.wrap.hidden = callback;
    fPhone.wrap.hidden = !callback;
    fEmail.control.required = !callback;
    fPhone.control.required = callback;
    fText.control.required = !callback;
    fEmail.control.value = typeof values.email === "string" ? values.email : "";
    fPhone.control.value = typeof values.phone === "string" ? values.phone : "";
    fText.control.value = typeof values.text === "string" ? values.text : "";
    [fEmail, fPhone, fText].forEach(function (f) { setFieldError(f, null, null); });
    renderContactLabels();
    contact.hidden = false;
    updateBottom();
    contact.scrollTop = 0;
    scrollDown(); // the log got shorter: keep its last message (the offer) in view
    contactFirstField().focus();
  }

  function contactFirstField() { return (contactKind === "callback" ? fPhone : fEmail).control; }

  // Returns whether the focus was in the form.
  function hideContact() {
    if (contact.hidden) return false;
    var hadFocus = contact.contains(document.activeElement);
    contact.hidden = true;
    contactPendingId = null;
    renderQuickReplies();
    scrollDown();
    return hadFocus;
  }

  // Cancel or Escape: back to the button that opened the form (or the composer).
  function cancelContact() {
    var opener = contactOpener;
    hideContact();
    var buttons = quick.querySelectorAll(".neuvo-quick-reply");
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].getAttribute("data-payload") === opener) { buttons[i].focus(); return; }
    }
    input.focus();
  }

  function contactAcked(p) {
    if (!contact.hidden && contactPendingId === p.id && hideContact() && isOpen()) input.focus();
    showStatus(p.frame.kind === "callback" ? S.callback_sent : S.message_sent, true);
  }

  function contactRefused(fr, code, message) {
    if (!isOpen()) open(true);
    if (contact.hidden || contactKind !== fr.kind) openContact(fr.kind, null, fr);
    contactPendingId = null;
    contactSubmit.removeAttribute("aria-disabled");
    showStatus("");
    var f = code === "invalid_email" ? fEmail : code === "invalid_phone" ? fPhone
      : code === "empty_message" || code === "message_too_long" ? fText : null;
    if (!f || f.wrap.hidden) { showStatus(message, true); return; }
    setFieldError(f, null, message);
    f.control.focus();
  }

  contact.addEventListener("submit", function (ev) {
    ev.preventDefault();
    if (contactPendingId) return; // sent already, waiting for the server
    var callback = contactKind === "callback";
    var email = trim(fEmail.control.value), phone = trim(fPhone.control.value), text = trim(fText.control.value);
    var invalid = [];
    function check(f, key) { setFieldError(f, key, null); if (key) invalid.push(f); }
    check(fEmail, callback ? null : !email ? "error_email_empty" : !EMAIL_RE.test(email) ? "error_email_invalid" : null);
    check(fPhone, !callback ? null : !phone ? "error_phone_empty" : !validPhone(phone) ? "error_phone_invalid" : null);
    check(fText, !callback && !text ? "error_text_empty" : chars(text) > MAX_CHARS ? "error_text_too_long" : null);
    if (invalid.length) { invalid[0].control.focus(); return; }
    var id = newId();
    var f = { type: "leave_message", id: id, kind: contactKind, email: callback ? "" : email,
      phone: callback ? phone : "", text: text };
    state.pending.push({ id: id, frame: f }); // resent after a reconnect until acknowledged
    save();
    contactPendingId = id;
    contactSubmit.setAttribute("aria-disabled", "true");
    showStatus(S.sending);
    ensureConnected();
    if (ready) frame(f);
  });
  contactCancel.addEventListener("click", cancelContact);
  contact.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape" || ev.key === "Esc") {
      ev.preventDefault();
      ev.stopPropagation(); // closes the form, not the panel
      cancelContact();
    }
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
    if (chars(text) > MAX_CHARS) { updateCounter(); input.focus(); return; } // the notice says why
    input.value = "";
    updateCounter();
    send(text);
  });
  // The expert sees that the customer is typing: at most one frame per 3 s, only when connected.
  var typingSentAt = 0;
  input.addEventListener("input", function () {
    updateCounter();
    if (!ready || !/\S/.test(input.value)) return;
    var now = Date.now();
    if (now - typingSentAt < 3000) return;
    if (frame({ type: "typing", on: true })) typingSentAt = now;
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
    state.lang_chosen = true;
    save();
    fetchStrings(lang);
  });

  // ---------------------------------------------------------------- may this page embed the widget?
  // The server's allow-list decides (README: "Embedding the widget"). A page not on it gets one clear
  // message in the browser console and no widget, instead of a chat that reconnects forever.
  var refusedForGood = false;
  function checkEmbedding() {
    return fetch(BASE + "/widget/config.json", { credentials: "omit", cache: "no-store" }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (c) {
      if (!c || typeof c !== "object") return true;
      if (typeof c.max_message_chars === "number" && c.max_message_chars > 0) MAX_CHARS = c.max_message_chars;
      if (typeof c.retention_days === "number") RETENTION_DAYS = c.retention_days;
      if (c.embedding !== "refused") return true;
      refuseEmbedding(typeof c.origin === "string" ? c.origin : window.location.origin);
      return false;
    }).catch(function () { return true; }); // unreachable now: the chat shows its usual connection notice
  }

  function refuseEmbedding(origin) {
    if (refusedForGood) return;
    refusedForGood = true;
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    retryTimer = null;
    if (ws) { var sock = ws; ws = null; try { sock.close(); } catch (e) { /* already closed */ } }
    if (root.parentNode) root.parentNode.removeChild(root);
    if (css.parentNode) css.parentNode.removeChild(css);
    if (window.console) window.console.error("Neuvo widget: the page origin " + origin + " is not allowed to embed " +
      "the chat of " + BASE + ". The service's administrator adds it with `assistant sites allow " + origin +
      "` (or WIDGET_ORIGINS); see the README, \"Embedding the widget\".");
  }

  // ---------------------------------------------------------------- start up
  function start() {
    mount();
    renderLabels();
    fetchStrings(state.lang);
    renderAll();
    if (state.token) ensureConnected(); // pick up what was missed while the page reloaded
    if (state.open) open(true);
  }
  checkEmbedding().then(function (allowed) {
    if (!allowed) return;
    if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
  });

  window.NeuvoWidget = {
    open: open,
    close: close,
    get _socket() { return ws; },
    get _state() { return state; }
  };
})();
