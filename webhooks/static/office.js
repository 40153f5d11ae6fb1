// The office queue page: polls queue.json for cases opened since the page loaded, shows them
// highlighted with an "N new" note, beeps (after the first click or key press, as browsers
// require; a toggle kept in localStorage), counts new cases in the tab title, and keeps the
// counts by state and the lockdown banner current.
(function () {
  "use strict";
  var SOUND_KEY = "sro-office-sound";
  var live = document.getElementById("live");
  var table = document.getElementById("cases");
  var note = document.getElementById("fresh-note");
  var soundButton = document.getElementById("sound");
  var pollError = document.getElementById("poll-error");
  var title = document.title.replace(/^\(\d+\) /, "");
  var after = Number(live.dataset.after);
  var shown = 0;
  var audio = null;

  function soundOn() {
    try { return window.localStorage.getItem(SOUND_KEY) !== "off"; } catch (e) { return true; }
  }

  function showSound() {
    var on = soundOn();
    soundButton.setAttribute("aria-pressed", on ? "true" : "false");
    soundButton.textContent = "Sound for new cases: " + (on ? "on" : "off");
  }

  soundButton.addEventListener("click", function () {
    try { window.localStorage.setItem(SOUND_KEY, soundOn() ? "off" : "on"); } catch (e) { /* blocked */ }
    showSound();
  });

  // Browsers let a page play sound only after the user has interacted with it.
  function unlockAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!audio && Context) { audio = new Context(); }
    if (audio && audio.state === "suspended") { audio.resume(); }
  }

  function beep() {
    if (!audio || !soundOn()) { return; }
    var oscillator = audio.createOscillator();
    var gain = audio.createGain();
    var start = audio.currentTime;
    oscillator.frequency.value = 880;
    gain.gain.setValueAtTime(0.2, start);
    gain.gain.exponentialRampToValueAtTime(0.001, start + 0.3);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.3);
  }

  function showCounts(counts) {
    Object.keys(counts).forEach(function (state) {
      var element = document.getElementById("count-" + state);
      if (element) { element.textContent = counts[state]; }
    });
    document.title = (counts["new"] ? "(" + counts["new"] + ") " : "") + title;
  }

  // Rows come rendered (and escaped) by the server's own row template.
  function addRows(cases) {
    var body = table.tBodies[0];
    cases.forEach(function (item) {
      var holder = document.createElement("tbody");
      holder.innerHTML = item.row;
      var row = holder.firstElementChild;
      row.classList.add("fresh");
      body.insertBefore(row, body.firstChild);
    });
    table.hidden = false;
    document.getElementById("no-cases").hidden = true;
  }

  function showNew(count) {
    shown += count;
    note.firstElementChild.textContent =
      shown + " new case" + (shown === 1 ? "" : "s") + " since this page was opened";
    note.hidden = false;
    beep();
  }

  // Replaced only when it changes: screen readers announce the banner (role=alert) each time.
  function showLockdowns(html) {
    var banner = document.getElementById("lockdowns");
    var holder = document.createElement("div");
    holder.innerHTML = html;
    if (holder.textContent.trim() !== banner.textContent.trim()) { banner.innerHTML = html; }
  }

  function update(state) {
    pollError.hidden = true;
    showCounts(state.counts);
    showLockdowns(state.lockdowns);
    if (!state.cases.length) { return; }
    state.cases.forEach(function (item) { after = Math.max(after, item.id); });
    if (live.dataset.status === "new") { addRows(state.cases); }
    showNew(state.cases.length);
  }

  function fail(text) {
    pollError.textContent = text;
    pollError.hidden = false;
  }

  function poll() {
    var url = live.dataset.stateUrl + "?after=" + after;
    fetch(url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status === 401) { throw new Error("signed out"); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (state) { update(state); schedule(); })
      .catch(function (error) {
        if (error.message === "signed out") {
          fail("You are signed out: reload the page to sign in again.");
          return;
        }
        fail("Could not check for new cases; trying again.");
        schedule();
      });
  }

  function schedule() {
    window.setTimeout(poll, Number(live.dataset.pollSeconds) * 1000);
  }

  document.addEventListener("pointerdown", unlockAudio);
  document.addEventListener("keydown", unlockAudio);
  showSound();
  schedule();
}());
