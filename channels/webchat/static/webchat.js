/*
 * TeleComNet chat widget on socket.io-client, speaking Rasa's socket.io channel:
 *   client -> server  session_request {session_id}   server -> client  session_confirm <id>
 *   client -> server  user_uttered {message, session_id}
 *   server -> client  bot_uttered {text?, quick_replies?|buttons?, attachment?}
 *
 * Configuration (later wins): defaults, data-* attributes on #tcn-webchat
 * (data-socket-url, data-socket-path, data-title, data-init-payload), then
 * window.TCN_WEBCHAT_CONFIG = {socketUrl, socketPath, title, initPayload, storageKey,
 * transports} (transports: "websocket,polling" by default; "polling" forces long-polling).
 */
(function () {
  "use strict";

  var TYPING_TIMEOUT_MS = 30000;
  var FAILURES_BEFORE_OFFLINE = 3;
  var MAX_INPUT_LENGTH = 1000;

  var parts = window.TCNWebchatParts;
  var Store = parts.Store;
  var el = parts.el;
  var richText = parts.richText;
  var normaliseBotMessage = parts.normaliseBotMessage;

  function readConfig(root) {
    var config = {
      socketUrl: window.location.protocol + "//" + window.location.hostname + ":5005",
      socketPath: "/socket.io",
      title: "TeleComNet assistant",
      initPayload: "",
      storageKey: "tcn-webchat",
      transports: "websocket,polling"
    };
    var data = root.dataset || {};
    if (data.socketUrl) { config.socketUrl = data.socketUrl; }
    if (data.socketPath) { config.socketPath = data.socketPath; }
    if (data.title) { config.title = data.title; }
    if (data.initPayload) { config.initPayload = data.initPayload; }
    var overrides = window.TCN_WEBCHAT_CONFIG || {};
    Object.keys(config).forEach(function (key) {
      if (typeof overrides[key] === "string" && overrides[key] !== "") { config[key] = overrides[key]; }
    });
    return config;
  }

  /* ---------- the widget ---------- */

  function Webchat(root, config) {
    this.root = root;
    this.config = config;
    this.store = new Store(config.storageKey);
    this.state = this.store.load();
    this.socket = null;
    this.confirmed = false;
    this.outbox = [];
    this.typingTimer = null;
    this.render();
    this.restore();
    if (this.state.open) { this.open(false); }
    this.connect();
  }

  Webchat.prototype.render = function () {
    var self = this;
    var ids = { panel: "tcn-chat-panel", title: "tcn-chat-title", input: "tcn-chat-input" };
    this.root.classList.add("tcn-chat");

    var icon = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    icon.setAttribute("viewBox", "0 0 24 24");
    icon.setAttribute("aria-hidden", "true");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z");
    icon.appendChild(path);
    this.launcher = el("button", { type: "button", className: "tcn-chat__launcher",
      "aria-controls": ids.panel, "aria-expanded": "false", "aria-label": "Chat with " + this.config.title },
      [icon, el("span", { text: "Chat", "aria-hidden": "true" })]);

    this.statusText = el("span", { className: "tcn-chat__status", text: "Connecting…" });
    this.restartButton = el("button", { type: "button", className: "tcn-chat__icon-btn",
      "aria-label": "Start a new conversation", title: "New conversation", text: "↻" });
    this.closeButton = el("button", { type: "button", className: "tcn-chat__icon-btn",
      "aria-label": "Close chat", title: "Close", text: "✕" });
    var header = el("div", { className: "tcn-chat__header" }, [
      el("h2", { id: ids.title, className: "tcn-chat__title", text: this.config.title }),
      this.statusText, this.restartButton, this.closeButton
    ]);

    this.log = el("div", { className: "tcn-chat__log", role: "log", "aria-live": "polite",
      "aria-relevant": "additions", "aria-label": "Conversation", tabindex: "0" });
    this.intro = el("p", { className: "tcn-chat__intro",
      text: "Ask about your bill, a payment, your plan, an outage or a service request." });
    this.typing = el("div", { className: "tcn-chat__typing", "aria-hidden": "true" },
      [el("span"), el("span"), el("span")]);
    this.typing.hidden = true;
    this.announcer = el("div", { className: "visually-hidden", role: "status", "aria-live": "polite" });

    this.input = el("input", { id: ids.input, className: "tcn-chat__input", type: "text",
      autocomplete: "off", maxlength: String(MAX_INPUT_LENGTH), placeholder: "Type your message…",
      enterkeyhint: "send" });
    this.sendButton = el("button", { type: "submit", className: "tcn-chat__send", text: "Send" });
    this.form = el("form", { className: "tcn-chat__form", "aria-label": "Send a message" }, [
      el("label", { className: "visually-hidden", for: ids.input, text: "Your message" }),
      this.input, this.sendButton
    ]);

    this.panel = el("section", { id: ids.panel, className: "tcn-chat__panel", role: "dialog",
      "aria-modal": "false", "aria-labelledby": ids.title },
      [header, this.log, this.announcer, this.form]);
    this.panel.hidden = true;
    this.log.appendChild(this.intro);
    this.log.appendChild(this.typing);
    this.root.appendChild(this.panel);
    this.root.appendChild(this.launcher);

    this.launcher.addEventListener("click", function () {
      if (self.panel.hidden) { self.open(true); } else { self.close(); }
    });
    this.closeButton.addEventListener("click", function () { self.close(); });
    this.restartButton.addEventListener("click", function () { self.restart(); });
    this.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { event.preventDefault(); self.close(); }
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = self.input.value.trim();
      /* Typed text is text: a leading "/" would be read by Rasa as an intent payload. */
      var message = text.replace(/^\/+/, "").trim();
      if (!message) { return; }
      self.input.value = "";
      self.send(text, message);
    });
    document.querySelectorAll("[data-webchat-open]").forEach(function (button) {
      button.addEventListener("click", function () { self.open(true); });
    });
  };

  Webchat.prototype.open = function (focus) {
    this.panel.hidden = false;
    this.root.classList.add("tcn-chat--open");
    this.launcher.setAttribute("aria-expanded", "true");
    this.state.open = true;
    this.store.save(this.state);
    this.scrollToEnd();
    if (focus) { this.input.focus(); }
    if (this.config.initPayload && this.state.messages.length === 0 && !this.initSent) {
      this.initSent = true;
      this.queue({ message: this.config.initPayload });
      this.showTyping();
    }
  };

  Webchat.prototype.close = function () {
    this.panel.hidden = true;
    this.root.classList.remove("tcn-chat--open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.state.open = false;
    this.store.save(this.state);
    this.launcher.focus();
  };

  Webchat.prototype.setStatus = function (text) {
    this.statusText.textContent = text;
  };

  Webchat.prototype.connect = function () {
    var self = this;
    if (typeof window.io !== "function") {
      this.setStatus("Unavailable");
      this.announce("The chat is unavailable right now. Please try again later.");
      return;
    }
    this.socket = window.io(this.config.socketUrl, {
      path: this.config.socketPath,
      transports: this.config.transports.split(",").map(function (t) { return t.trim(); }),
      reconnection: true,
      reconnectionDelayMax: 10000
    });
    this.failures = 0;
    this.socket.on("connect", function () {
      self.failures = 0;
      self.confirmed = false;
      self.socket.emit("session_request", { session_id: self.state.sessionId });
    });
    this.socket.on("session_confirm", function (data) {
      var id = typeof data === "string" ? data : (data && data.session_id);
      if (!id) { return; }
      if (self.state.sessionId && self.state.sessionId !== id) { self.clearLog(); }
      self.state.sessionId = id;
      self.store.save(self.state);
      self.confirmed = true;
      self.setStatus("Online");
      self.flush();
    });
    this.socket.on("bot_uttered", function (data) { self.receive(data); });
    this.socket.on("disconnect", function () {
      self.confirmed = false;
      self.setStatus("Reconnecting…");
    });
    this.socket.on("connect_error", function () {
      self.failures += 1;
      if (self.failures === FAILURES_BEFORE_OFFLINE) {
        self.hideTyping();
        self.setStatus("Offline");
        self.announce("We can't reach the assistant right now. We'll keep trying; " +
          "your messages will be sent when the connection is back.");
      } else if (self.failures < FAILURES_BEFORE_OFFLINE) {
        self.setStatus("Reconnecting…");
      }
    });
  };

  Webchat.prototype.queue = function (payload) {
    this.outbox.push(payload);
    this.flush();
  };

  Webchat.prototype.flush = function () {
    if (!this.socket || !this.confirmed) { return; }
    while (this.outbox.length > 0) {
      var item = this.outbox.shift();
      this.socket.emit("user_uttered", { message: item.message, session_id: this.state.sessionId });
    }
  };

  /* title: what the customer sees; payload: what Rasa receives. */
  Webchat.prototype.send = function (title, payload) {
    this.disableReplies();
    this.addMessage({ from: "user", text: title, replies: [] });
    this.queue({ message: payload });
    this.showTyping();
  };

  Webchat.prototype.receive = function (data) {
    var message = normaliseBotMessage(data);
    if (!message) { return; }
    this.hideTyping();
    this.addMessage(message);
  };

  Webchat.prototype.showTyping = function () {
    var self = this;
    this.typing.hidden = false;
    this.log.appendChild(this.typing);
    this.announce("The assistant is typing…");
    this.scrollToEnd();
    window.clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(function () { self.hideTyping(); }, TYPING_TIMEOUT_MS);
  };

  Webchat.prototype.hideTyping = function () {
    window.clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  };

  Webchat.prototype.announce = function (text) {
    this.announcer.textContent = text;
  };

  Webchat.prototype.addMessage = function (message, restoring) {
    if (!restoring) {
      this.state.messages.push(message);
      this.store.save(this.state);
    }
    this.log.insertBefore(this.renderMessage(message), this.typing);
    this.intro.hidden = true;
    this.scrollToEnd();
  };

  Webchat.prototype.renderMessage = function (message) {
    var self = this;
    var who = message.from === "user" ? "You" : "Assistant";
    var bubble = el("div", { className: "tcn-chat__bubble" }, [
      el("span", { className: "visually-hidden", text: who + ": " })
    ]);
    if (message.text) { bubble.appendChild(el("span", { className: "tcn-chat__text" }, [richText(message.text)])); }
    if (message.image) { bubble.appendChild(el("img", { src: message.image, alt: "Image from the assistant" })); }
    var wrapper = el("div", { className: "tcn-chat__msg tcn-chat__msg--" + message.from,
      "data-from": message.from }, [bubble]);
    if (message.replies && message.replies.length > 0) {
      var group = el("div", { className: "tcn-chat__replies", role: "group", "aria-label": "Suggested replies" });
      message.replies.forEach(function (reply) {
        var button = el("button", { type: "button", className: "tcn-chat__reply", text: reply.title });
        button.disabled = Boolean(message.repliesUsed);
        button.addEventListener("click", function () {
          message.repliesUsed = true;
          self.send(reply.title, reply.payload);
          self.input.focus();
        });
        group.appendChild(button);
      });
      wrapper.appendChild(group);
    }
    return wrapper;
  };

  Webchat.prototype.disableReplies = function () {
    this.state.messages.forEach(function (message) {
      if (message.replies && message.replies.length > 0) { message.repliesUsed = true; }
    });
    this.log.querySelectorAll(".tcn-chat__reply").forEach(function (button) { button.disabled = true; });
  };

  Webchat.prototype.restore = function () {
    var self = this;
    this.state.messages.forEach(function (message) { self.addMessage(message, true); });
  };

  Webchat.prototype.clearLog = function () {
    this.state.messages = [];
    this.log.querySelectorAll(".tcn-chat__msg").forEach(function (node) { node.remove(); });
    this.intro.hidden = false;
    this.hideTyping();
  };

  Webchat.prototype.restart = function () {
    this.clearLog();
    this.state.sessionId = null;
    this.initSent = false;
    this.store.save(this.state);
    this.announce("Started a new conversation.");
    if (this.socket && this.socket.connected) {
      this.confirmed = false;
      this.socket.emit("session_request", { session_id: null });
    }
    this.input.focus();
  };

  Webchat.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  function start() {
    var root = document.getElementById("tcn-webchat");
    if (!root) {
      root = document.createElement("div");
      root.id = "tcn-webchat";
      document.body.appendChild(root);
    }
    if (root.dataset.ready) { return; }
    root.dataset.ready = "true";
    window.TCNWebchat = new Webchat(root, readConfig(root));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
