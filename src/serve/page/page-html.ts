/** The page's markup: the skeleton that page-script.ts fills in. No data, no secret. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>runbook serve</title>
<link rel="stylesheet" href="/app.css">
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <h1>runbook serve</h1>
  <span id="live" class="badge badge-failed">offline</span>
  <label class="who">your name <input id="who" maxlength="64" placeholder="shown in the journal" autocomplete="name"></label>
</header>
<div id="error" class="error" role="alert" hidden></div>
<section id="diagnostics" class="diagnostics" hidden></section>
<main>
  <nav id="lessons" aria-label="lessons">
    <h2>Today <span id="count-today" class="n"></span></h2>
    <ul id="list-today" class="lessons"></ul>
    <h2>Upcoming <span id="count-upcoming" class="n"></span></h2>
    <ul id="list-upcoming" class="lessons"></ul>
    <details><summary>Earlier <span id="count-earlier" class="n"></span></summary><ul id="list-earlier" class="lessons"></ul></details>
    <p id="templates" class="templates"></p>
  </nav>
  <section id="lesson" hidden>
    <div class="lesson-head">
      <div><h2 id="lesson-name"></h2><div id="lesson-meta" class="meta"></div></div>
      <div class="lesson-ctl"><span id="lesson-state" class="badge"></span>
        <button id="pause" type="button">Pause</button><button id="resume" type="button" hidden>Resume</button></div>
    </div>
    <div id="timeline" class="timeline"></div>
    <p class="legend"><span class="dot state-pending"></span>pending <span class="dot state-sending"></span>sending <span class="dot state-done"></span>done <span class="dot state-failed"></span>failed <span class="dot state-ambiguous"></span>ambiguous <span class="dot state-skipped"></span>skipped · ● message ▬ check-in ◆ export · hover a mark for its text and call</p>
    <table id="actions"><thead><tr><th>time</th><th>action</th><th>state</th><th>what</th><th></th></tr></thead><tbody></tbody></table>
  </section>
</main>
</body>
</html>
`;
