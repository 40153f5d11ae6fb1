// Web chat client: posts {session, text, choice?} to api/messages and shows the replies.
(function () {
  "use strict";
  var KEY = "sro-session";
  var log = document.getElementById("log");
  var form = document.getElementById("ask");
  var header = document.querySelector(".top");
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

  // The page's own words, in the language of the latest reply.
  var LABELS = {
    en: { question: "Your question", send: "Send", sending: "Sending…",
          empty: "Please type a question first.", choose: "Choose one",
          banner: "Emergency? Call 911.", unwatched: "This chat is not watched by a person.",
          suggestions: "Try asking" },
    fr: { question: "Ta question", send: "Envoyer", sending: "Envoi…",
          empty: "Écris d'abord une question.", choose: "Choisis",
          banner: "Urgence? Appelle le 911.",
          unwatched: "Personne ne surveille cette conversation.", suggestions: "Essaie" }
  };
  var SUGGESTIONS = ["Is the SRO at my school today?", "How do I report bullying?",
                     "What happens in a lockdown drill?"];
  var words = LABELS.en;

  function useLanguage(lang) {
    words = LABELS[lang] || LABELS.en;
    document.documentElement.lang = LABELS[lang] ? lang : "en";
    document.querySelector("label[for=question]").textContent = words.question;
    sendButton.textContent = words.send;
    document.querySelector("#emergency strong").textContent = words.banner;
    document.querySelector("#emergency span").textContent = words.unwatched;
  }

  // Text with every phone number as a tel: link (built as nodes: no HTML from the server).
  var PHONE = /((?:\+?1[ -]?)?\d{3}[ -]\d{3}[ -]\d{4}|\b9-8-8\b|\b911\b|\b686868\b)/g;
  function fill(element, text) {
    var last = 0;
    text.replace(PHONE, function (match, _group, offset) {
      element.appendChild(document.createTextNode(text.slice(last, offset)));
      var link = document.createElement("a");
      link.href = "tel:" + match.replace(/[^\d+]/g, "");
      link.textContent = match;
      element.appendChild(link);
      last = offset + match.length;
      return match;
    });
    element.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(kind, text, lang) {
    var div = document.createElement("div");
    div.className = "msg " + kind;
    fill(div, text);
    if (lang) { div.lang = lang; }
    log.appendChild(div);
    return div;
  }

  // Scroll to the page's end, then back up to the newest bubble's start if that hid it: a
  // bubble that fits between the sticky banner and input bar is shown whole, a taller one from
  // its start. Scroll padding (the bars' heights, measured now) keeps both bars clear.
  function reveal(newest) {
    var root = document.documentElement;
    root.style.scrollPaddingTop = Math.ceil(header.getBoundingClientRect().height) + "px";
    root.style.scrollPaddingBottom = Math.ceil(form.getBoundingClientRect().height) + "px";
    window.scrollTo(0, root.scrollHeight);
    newest.scrollIntoView({ block: "start" });
  }

  // A button per choice: it sends its label as text and the choice's id, or the choice's
  // number when the reply came without ids.
  function choiceButtons(choices, ids) {
    var withIds = ids && ids.length === choices.length;
    var group = document.createElement("div");
    group.className = "choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", words.choose);
    choices.forEach(function (label, i) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = label;
      button.addEventListener("click", function () {
        input.focus();
        if (withIds) { send(label, label, ids[i]); } else { send(String(i + 1), label); }
      });
      group.appendChild(button);
    });
    log.appendChild(group);
  }

  function showReplies(replies) {
    if (!replies.length) { return; }
    useLanguage(replies[replies.length - 1].lang);
    var newest = null;
    replies.forEach(function (reply) {
      newest = bubble(reply.emergency ? "bot urgent" : "bot", reply.text, reply.lang);
      if (reply.emergency) { newest.setAttribute("role", "alert"); }
      if (reply.choices && reply.choices.length) {
        choiceButtons(reply.choices, reply.choice_ids);
      }
      if (reply.reminder) { showReminder(reply.reminder, reply.lang); }
    });
    reveal(newest);
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
    footer.textContent = "";
    fill(footer, text);
    if (lang) { footer.lang = lang; }
  }

  // The send button stays usable while a reply is on its way: a message typed meanwhile
  // (Enter or the button) waits its turn in `pending`, so nothing typed is ever ignored.
  var pending = Promise.resolve();
  var waiting = 0;
  function setBusy(busy) {
    waiting += busy ? 1 : -1;
    status.textContent = waiting > 0 ? words.sending : "";
  }

  // Three questions to start with, on an empty chat; gone once anything is sent.
  function showSuggestions() {
    var group = document.createElement("div");
    group.className = "choices suggestions";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", words.suggestions);
    SUGGESTIONS.forEach(function (question) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = question;
      button.addEventListener("click", function () { send(question, question); });
      group.appendChild(button);
    });
    form.parentNode.insertBefore(group, form.nextSibling);  // after the input in tab order
  }

  // Any message sent ends every choice shown so far: old buttons never act in a new context.
  function send(text, shown, choice) {
    var suggestions = document.querySelector(".suggestions");
    if (suggestions) { suggestions.remove(); }
    log.querySelectorAll(".choices button").forEach(function (b) { b.disabled = true; });
    reveal(bubble("user", shown));
    setBusy(true);
    var body = { session: session, text: text };
    if (choice) { body.choice = choice; }
    pending = pending.then(function () { return post(body); });
    return pending;
  }

  function post(body) {
    return fetch("api/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || "request failed"); }
        showReplies(data.replies);
      });
    }).catch(function (err) {
      reveal(bubble("error", "Sorry, that did not go through (" + err.message + "). " +
        "In an emergency, call 911."));
    }).then(function () { setBusy(false); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) {
      status.textContent = words.empty;
      input.focus();
      return;
    }
    input.value = "";
    send(text, text);
  });
  showSuggestions();
}());
