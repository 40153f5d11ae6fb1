// Web chat client: posts {session, text} to api/messages and shows the replies.
(function () {
  "use strict";
  var KEY = "sro-session";
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var input = document.getElementById("question");
  var sendButton = document.getElementById("send");
  var status = document.getElementById("status");
  var session = sessionId();

  function sessionId() {
    var id = null;
    try { id = window.sessionStorage.getItem(KEY); } catch (e) { /* storage blocked */ }
    if (id) { return id; }
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    id = Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
    try { window.sessionStorage.setItem(KEY, id); } catch (e) { /* storage blocked */ }
    return id;
  }

  function bubble(kind, text, lang) {
    var div = document.createElement("div");
    div.className = "msg " + kind;
    div.textContent = text;
    if (lang) { div.lang = lang; }
    log.appendChild(div);
    div.scrollIntoView({ block: "nearest" });
    return div;
  }

  function choiceButtons(choices) {
    var group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Choose one");
    choices.forEach(function (label, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", function () {
        group.querySelectorAll("button").forEach(function (b) { b.disabled = true; });
        input.focus();
        send(String(i + 1), label);
      });
      group.appendChild(button);
    });
    log.appendChild(group);
  }

  function showReplies(replies) {
    replies.forEach(function (reply) {
      var div = bubble(reply.emergency ? "bot urgent" : "bot", reply.text, reply.lang);
      if (reply.emergency) { div.setAttribute("role", "alert"); }
      if (reply.choices && reply.choices.length) { choiceButtons(reply.choices); }
      if (reply.reminder) { showReminder(reply.reminder, reply.lang); }
    });
  }

  // The 911 reminder is shown once, as a footer under the conversation, not in every bubble.
  function showReminder(text, lang) {
    var footer = document.getElementById("reminder");
    if (!footer) {
      footer = document.createElement("p");
      footer.id = "reminder";
      footer.className = "reminder";
      log.parentNode.insertBefore(footer, log.nextSibling);
    }
    footer.textContent = text;
    if (lang) { footer.lang = lang; }
  }

  function setBusy(busy) {
    sendButton.disabled = busy;
    status.textContent = busy ? "Sending…" : "";
  }

  function send(text, shown) {
    bubble("user", shown);
    setBusy(true);
    return fetch("api/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session: session, text: text })
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || "request failed"); }
        showReplies(data.replies);
      });
    }).catch(function (err) {
      bubble("error", "Sorry, that did not go through (" + err.message + "). " +
        "In an emergency, call 911.");
    }).then(function () { setBusy(false); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      status.textContent = "Please type a question first.";
      input.focus();
      return;
    }
    input.value = "";
    send(text, text);
  });
}());
