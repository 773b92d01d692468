import { catalogKeys, catalogText, CATALOGS, t, type Language } from '../../i18n/index.js';
import { esc } from '../timeline-svg.js';

/**
 * The catalog groups the page's script formats in the browser: its own words (`serve.page`), the
 * states, phases, kinds and severities it labels, and the duration units. They are embedded in the
 * page as the catalog's ICU text; every one is a plain `{name}` message (no plural, no select — a
 * unit test holds them to it), so the script fills them in with one `replace` and the browser
 * needs no i18n library.
 */
export const PAGE_MESSAGE_GROUPS = ['serve.page', 'serve.state', 'serve.phase', 'serve.kind', 'serve.severity', 'time.unit'] as const;

/** The keys of PAGE_MESSAGE_GROUPS (the same in every language; the catalog test sees to it). */
export const PAGE_MESSAGE_KEYS: readonly string[] = PAGE_MESSAGE_GROUPS.flatMap((g) => {
  let node: unknown = CATALOGS.en;
  for (const part of g.split('.')) node = (node as Record<string, unknown>)[part];
  return catalogKeys(node, `${g}.`);
});

/** The messages the page's script needs, in `lang`: key → ICU text. */
export function pageMessages(lang: Language): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of PAGE_MESSAGE_KEYS) out[key] = catalogText(lang, key) ?? key;
  return out;
}

/** JSON that is safe inside a `<script>` element (no `</script>`, no `<!--`). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

/**
 * The page's markup in `lang`: the skeleton that page-script.ts fills in, its words from the
 * catalog, the script's messages embedded as data (a `type="application/json"` block is never run,
 * so the page's script-src policy stays `'self'`). No data of the term, no secret.
 */
export function pageHtml(lang: Language): string {
  const w = (key: Parameters<typeof t>[1]): string => esc(t(lang, key));
  const state = (s: string): string => esc(t(lang, `serve.state.${s as 'pending'}`));
  // i18n-exempt: markup; its words come from the catalog
  const dot = (s: string): string => `<span class="dot state-${s}"></span>${state(s)}`;

  const switchLink = (l: Language, key: 'serve.page.langZh' | 'serve.page.langEn'): string =>
    l === lang
      ? // i18n-exempt: markup; its words come from the catalog
        `<strong lang="${l}" aria-current="true">${w(key)}</strong>`
      : `<a href="?lang=${l}" hreflang="${l}" lang="${l}" data-lang="${l}">${w(key)}</a>`;

  // i18n-exempt: markup; every word in it comes from the catalog
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${w('serve.page.title')}</title>
<link rel="stylesheet" href="/app.css">
<script id="i18n" type="application/json">${scriptJson({ lang, messages: pageMessages(lang) })}</script>
<script src="/app.js" defer></script>
</head>
<body>
<header>
  <h1>${w('serve.page.title')}</h1>
  <span id="live" class="badge badge-failed">${w('serve.page.offline')}</span>
  <label class="who">${w('serve.page.who')} <input id="who" maxlength="64" placeholder="${w('serve.page.whoPlaceholder')}" autocomplete="name"></label>
  <nav id="langs" class="langs" aria-label="${w('serve.page.language')}">${switchLink('zh-CN', 'serve.page.langZh')} / ${switchLink('en', 'serve.page.langEn')}</nav>
</header>
<div id="error" class="error" role="alert" hidden></div>
<section id="diagnostics" class="diagnostics" hidden></section>
<main>
  <nav id="lessons" aria-label="${w('serve.page.lessons')}">
    <h2>${w('serve.page.today')} <span id="count-today" class="n"></span></h2>
    <ul id="list-today" class="lessons"></ul>
    <h2>${w('serve.page.upcoming')} <span id="count-upcoming" class="n"></span></h2>
    <ul id="list-upcoming" class="lessons"></ul>
    <details><summary>${w('serve.page.earlier')} <span id="count-earlier" class="n"></span></summary><ul id="list-earlier" class="lessons"></ul></details>
    <p id="templates" class="templates"></p>
  </nav>
  <section id="lesson" hidden>
    <div class="lesson-head">
      <div><h2 id="lesson-name"></h2><div id="lesson-meta" class="meta"></div></div>
      <div class="lesson-ctl"><span id="lesson-state" class="badge"></span>
        <button id="pause" type="button">${w('serve.page.pause')}</button><button id="resume" type="button" hidden>${w('serve.page.resume')}</button></div>
    </div>
    <div id="timeline" class="timeline"></div>
    <p class="legend">${['pending', 'sending', 'done', 'failed', 'ambiguous', 'skipped'].map(dot).join(' ')} · ${w('serve.page.legendShapes')}</p>
    <table id="actions"><thead><tr><th>${w('serve.page.colTime')}</th><th>${w('serve.page.colAction')}</th><th>${w('serve.page.colState')}</th><th>${w('serve.page.colWhat')}</th><th></th></tr></thead><tbody></tbody></table>
  </section>
</main>
</body>
</html>
`;
}
