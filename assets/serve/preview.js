// reportgen serve: keep the open page up to date. The server pushes "editing", "rendering"
// and "changed" events; a page showing a report that changed (or the index) fetches its
// content again and swaps it in, keeping the scroll position.
(() => {
  "use strict";
  const body = document.body;
  const report = body.dataset.report || "";
  const fragment = body.dataset.fragment || "";
  const content = document.getElementById("content");
  const live = document.getElementById("live");

  function say(text, kind) {
    live.textContent = text;
    live.className = "live" + (kind ? " " + kind : "");
  }

  function margins() {
    const box = document.getElementById("show-margins");
    if (!box) return;
    box.checked = localStorage.getItem("reportgen-margins") === "1";
    body.classList.toggle("show-margins", box.checked);
    box.addEventListener("change", () => {
      localStorage.setItem("reportgen-margins", box.checked ? "1" : "0");
      body.classList.toggle("show-margins", box.checked);
    });
  }

  let refreshing = Promise.resolve();
  function refresh() {
    if (!fragment) return refreshing;
    refreshing = refreshing.then(async () => {
      const response = await fetch(fragment, { cache: "no-store" });
      const html = await response.text();
      const scroll = window.scrollY;
      content.innerHTML = html;
      window.scrollTo(0, scroll);
      margins();
      say("updated " + new Date().toLocaleTimeString());
      body.dataset.updated = String(Date.now());
    }).catch(() => say("could not update: is the server running?", "offline"));
    return refreshing;
  }

  function affects(message) {
    return !report || message.reports.includes(report);
  }

  margins();
  const events = new EventSource("/events" + (report ? "?report=" + encodeURIComponent(report) : ""));
  let wasOffline = false;
  events.addEventListener("open", () => {
    say("live");
    if (wasOffline) refresh();  // the server restarted, or the network came back: catch up
    wasOffline = false;
  });
  events.addEventListener("error", () => {
    wasOffline = true;
    say("disconnected: retrying…", "offline");
  });
  events.addEventListener("editing", (event) => say("reading " + JSON.parse(event.data).files.join(", ") + "…", "busy"));
  events.addEventListener("rendering", (event) => {
    if (affects(JSON.parse(event.data))) say("rendering…", "busy");
  });
  events.addEventListener("changed", (event) => {
    if (affects(JSON.parse(event.data))) refresh();
    else say("live");
  });
})();
