/*
 * Helpers of the TeleComNet chat widget (loaded before webchat.js): storage of the
 * conversation, DOM building, and turning server messages into safe DOM nodes.
 * Nothing the server sends is ever parsed as HTML.
 */
(function () {
  "use strict";

  var MAX_STORED_MESSAGES = 200;
  /* The transcript may hold account details: a stored one older than this is dropped. */
  var TRANSCRIPT_TTL_MS = 60 * 60 * 1000;
  var TOKEN_RE = /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)|(https?:\/\/[^\s<>"']*[^\s<>"'.,;:!?)\]])|\*\*([^*\n]+)\*\*/g;

  /* ---------- storage (the conversation survives a reload) ---------- */

  function Store(key) {
    this.key = key;
  }
  Store.prototype.load = function () {
    try {
      var raw = window.localStorage.getItem(this.key);
      var parsed = raw ? JSON.parse(raw) : null;
      if (parsed && typeof parsed === "object" && Array.isArray(parsed.messages)) {
        if (!(parsed.savedAt > Date.now() - TRANSCRIPT_TTL_MS)) { parsed.messages = []; }
        return parsed;
      }
    } catch (err) { /* storage disabled or corrupt: start afresh */ }
    return { sessionId: null, messages: [], open: false };
  };
  Store.prototype.save = function (state) {
    try {
      var copy = { sessionId: state.sessionId, open: state.open, savedAt: Date.now(),
        messages: state.messages.slice(-MAX_STORED_MESSAGES) };
      window.localStorage.setItem(this.key, JSON.stringify(copy));
    } catch (err) { /* private mode or full: the live conversation still works */ }
  };

  /* ---------- DOM helpers ---------- */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") { node.textContent = attrs[name]; }
      else if (name === "className") { node.className = attrs[name]; }
      else { node.setAttribute(name, attrs[name]); }
    });
    (children || []).forEach(function (child) { if (child) { node.appendChild(child); } });
    return node;
  }

  function safeHttpUrl(url) {
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (err) { return null; }
  }

  function link(label, href) {
    return el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: label });
  }

  /* Plain text with [label](url), bare http(s) URLs and **bold**, built as DOM nodes:
     nothing the server sends is ever parsed as HTML. */
  function richText(text) {
    var fragment = document.createDocumentFragment();
    var last = 0;
    var match;
    TOKEN_RE.lastIndex = 0;
    while ((match = TOKEN_RE.exec(text)) !== null) {
      if (match.index > last) { fragment.appendChild(document.createTextNode(text.slice(last, match.index))); }
      if (match[1] !== undefined) {
        var href = safeHttpUrl(match[2]);
        fragment.appendChild(href ? link(match[1], href) : document.createTextNode(match[0]));
      } else if (match[3] !== undefined) {
        var bare = safeHttpUrl(match[3]);
        fragment.appendChild(bare ? link(match[3], bare) : document.createTextNode(match[0]));
      } else {
        fragment.appendChild(el("strong", { text: match[4] }));
      }
      last = TOKEN_RE.lastIndex;
    }
    if (last < text.length) { fragment.appendChild(document.createTextNode(text.slice(last))); }
    return fragment;
  }

  /* ---------- message normalisation ---------- */

  function normaliseReplies(list) {
    if (!Array.isArray(list)) { return []; }
    return list.filter(function (item) {
      return item && typeof item.title === "string" && item.title !== "";
    }).map(function (item) {
      return { title: item.title, payload: typeof item.payload === "string" ? item.payload : item.title };
    });
  }

  function normaliseBotMessage(data) {
    if (typeof data === "string") { return { from: "bot", text: data, replies: [] }; }
    if (!data || typeof data !== "object") { return null; }
    var message = { from: "bot", text: typeof data.text === "string" ? data.text : "", replies: [] };
    message.replies = normaliseReplies(data.quick_replies).concat(normaliseReplies(data.buttons));
    var attachment = data.attachment;
    if (attachment && attachment.type === "image" && attachment.payload) {
      var src = safeHttpUrl(attachment.payload.src || "");
      if (src) { message.image = src; }
    }
    if (!message.text && !message.image && message.replies.length === 0) { return null; }
    return message;
  }


  window.TCNWebchatParts = {
    Store: Store,
    el: el,
    richText: richText,
    normaliseBotMessage: normaliseBotMessage
  };
})();
