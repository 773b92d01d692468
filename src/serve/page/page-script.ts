/* i18n-exempt-file: the page's script is code; every word it shows comes from the catalog, embedded in the page (page-html.ts) */
/**
 * The page's script: plain browser JavaScript, no framework and no build step (a list, one lesson's
 * picture and table, a few buttons — a framework would be most of the page's weight and none of its
 * function). It talks only to this server's API: the lesson list, one lesson, its timeline picture
 * (drawn by the server, the same renderer as `runbook plan --html`), the event stream, and the
 * controls. Every value from the API is put in the page as text, never as HTML; the picture is SVG
 * that the server escaped.
 *
 * Its words are the catalog's, in the page's language: page-html.ts embeds the `serve.page.*` (and
 * state, kind, unit) messages as JSON, and `t` fills in their `{name}` parameters — plain
 * substitution, since those messages have no plural or select (a unit test holds them to that):
 * the values change live in the browser, and a second i18n library there would outweigh the page.
 * Times are the event zone's, by the language's conventions (Intl, as luxon does on the server);
 * every API call asks for the page's language, so errors and diagnostics come back in it too.
 */
export const PAGE_SCRIPT = String.raw`'use strict';
(function () {
  // A term may hold thousands of lessons: the page asks for today's and those next to them.
  var UPCOMING = 50;
  var EARLIER = 20;
  var state = { lessons: [], more: { upcoming: 0, earlier: 0 }, rejected: [], selected: null, detail: null, now: Date.now(), skew: 0, live: false };
  var token = null;
  var m = /[#&]token=([^&]+)/.exec(location.hash);
  if (m) {
    token = decodeURIComponent(m[1]);
    try { sessionStorage.setItem('runbook-token', token); } catch (e) { /* private mode */ }
    history.replaceState(null, '', location.pathname + location.search + location.hash.replace(/[#&]token=[^&]+/, ''));
  } else {
    try { token = sessionStorage.getItem('runbook-token'); } catch (e) { token = null; }
  }
  var $ = function (sel) { return document.querySelector(sel); };
  var I18N = JSON.parse(document.getElementById('i18n').textContent);
  var LANG = I18N.lang;
  function t(key, params) {
    var text = I18N.messages[key];
    if (text === undefined) return key;
    return text.replace(/\{(\w+)\}/g, function (all, name) { return params && params[name] !== undefined && params[name] !== null ? String(params[name]) : all; });
  }
  // A state, phase or kind by its word in the page's language (an unknown code as it is).
  function word(group, code) {
    var text = I18N.messages['serve.' + group + '.' + code];
    return text === undefined ? String(code) : text;
  }
  // 5400000 → 1h30m / 1小时30分, as the server's formatDuration does, from the catalog's units.
  function duration(ms) {
    var units = [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000]];
    var rest = Math.round(Math.abs(ms));
    var out = '';
    units.forEach(function (u) { if (rest >= u[1]) { out += t('time.unit.' + u[0], { n: Math.floor(rest / u[1]) }); rest %= u[1]; } });
    if (rest > 0 || out === '') out += t(out === '' && rest === 0 ? 'time.unit.s' : 'time.unit.ms', { n: rest });
    return (ms < 0 ? '-' : '') + out;
  }
  function withLang(path) { return path + (path.indexOf('?') >= 0 ? '&' : '?') + 'lang=' + encodeURIComponent(LANG); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function headers(extra) {
    var h = extra || {};
    if (token) h['Authorization'] = 'Bearer ' + token;
    return h;
  }
  function api(path, opts) {
    opts = opts || {};
    return fetch(withLang('/api/' + path), { method: opts.method || 'GET', headers: headers(opts.body ? { 'Content-Type': 'application/json' } : {}), body: opts.body ? JSON.stringify(opts.body) : undefined, cache: 'no-store' })
      .then(function (r) {
        if (r.status === 401) { showError(t('serve.page.needsToken')); throw new Error('unauthorized'); }
        return r.json().then(function (j) { if (!r.ok) throw new Error(j.message || t('serve.page.httpError', { status: r.status })); return j; });
      });
  }
  function nowMs() { return Date.now() + state.skew; }
  // In the event's zone: 'Dec 15, 19:30' / '12月15日 19:30' with the date, '19:30:05' without.
  function fmtTime(ms, zone, withDate) {
    var o = withDate
      ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }
      : { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: zone };
    try { return new Intl.DateTimeFormat(LANG, o).format(new Date(ms)); } catch (e) { return new Date(ms).toISOString(); }
  }
  function dayKey(ms) { var d = new Date(ms); return d.getFullYear() + '-' + d.getMonth() + '-' + d.getDate(); }
  function showError(text) {
    var box = $('#error');
    box.textContent = text;
    box.hidden = !text;
  }

  // ---- the lesson list -------------------------------------------------------------------------
  function renderLessons() {
    var today = dayKey(nowMs());
    var groups = { today: [], upcoming: [], earlier: [] };
    state.lessons.forEach(function (l) {
      if (dayKey(l.start) === today || l.state === 'running' || l.state === 'paused') groups.today.push(l);
      else if (l.start > nowMs()) groups.upcoming.push(l);
      else groups.earlier.push(l);
    });
    ['today', 'upcoming', 'earlier'].forEach(function (g) {
      var list = $('#list-' + g);
      list.textContent = '';
      var items = groups[g];
      items.forEach(function (l) { list.appendChild(lessonItem(l)); });
      var more = g === 'today' ? 0 : state.more[g] || 0;
      if (more > 0) list.appendChild(el('li', 'more', t(g === 'upcoming' ? 'serve.page.moreLater' : 'serve.page.moreBefore', { n: more })));
      $('#count-' + g).textContent = String(items.length + more);
      if (items.length === 0) list.appendChild(el('li', 'empty', t('serve.page.none')));
    });
  }
  function lessonItem(l) {
    var li = el('li', 'lesson state-' + l.state + (state.selected === l.id ? ' selected' : ''));
    li.dataset.id = l.id;
    var a = el('a');
    a.href = '#/lesson/' + l.id;
    a.appendChild(el('span', 'when', fmtTime(l.start, l.zone, true)));
    a.appendChild(el('span', 'name', l.name));
    a.appendChild(el('span', 'badge badge-' + l.state, word('phase', l.state)));
    var c = l.counts;
    var bits = [t('serve.page.doneOfTotal', { done: c.done, total: l.total })];
    ['failed', 'ambiguous', 'skipped'].forEach(function (k) { if (c[k]) bits.push(t('serve.page.countState', { n: c[k], state: word('state', k) })); });
    a.appendChild(el('span', 'counts', bits.join(t('serve.page.noteSeparator'))));
    li.appendChild(a);
    return li;
  }
  function updateLesson(summary) {
    var i = state.lessons.findIndex(function (l) { return l.id === summary.id; });
    if (i < 0) { scheduleLoad(); return; }
    state.lessons[i] = summary;
    var li = document.querySelector('li.lesson[data-id="' + summary.id + '"]');
    if (li) li.replaceWith(lessonItem(summary)); else renderLessons();
    if (state.detail && state.detail.id === summary.id) {
      state.detail.state = summary.state;
      renderLessonHead();
    }
  }

  // ---- rejected edits ----------------------------------------------------------------------------
  function renderRejected() {
    var box = $('#diagnostics');
    box.textContent = '';
    box.hidden = state.rejected.length === 0;
    if (state.rejected.length === 0) return;
    box.appendChild(el('h2', null, t('serve.page.rejectedTitle')));
    state.rejected.forEach(function (r) {
      var sec = el('div', 'rejected');
      sec.appendChild(el('div', 'rejected-file', t(r.kept ? 'serve.page.rejectedKept' : 'serve.page.rejectedNew', { file: r.file })));
      var ul = el('ul');
      r.diagnostics.forEach(function (d) {
        var li = el('li', 'diag diag-' + d.severity);
        li.appendChild(el('code', null, d.file + ':' + d.line + ':' + d.col));
        li.appendChild(document.createTextNode(' ' + t('serve.page.diagnostic', { severity: word('severity', d.severity), code: d.code, message: d.message })));
        ul.appendChild(li);
      });
      sec.appendChild(ul);
      box.appendChild(sec);
    });
  }

  // ---- one lesson --------------------------------------------------------------------------------
  function select(id) {
    state.selected = id;
    document.querySelectorAll('li.lesson').forEach(function (li) { li.classList.toggle('selected', li.dataset.id === id); });
    if (!id) { $('#lesson').hidden = true; return; }
    api('lessons/' + encodeURIComponent(id)).then(function (d) {
      state.detail = d;
      $('#lesson').hidden = false;
      renderLessonHead();
      renderActions();
      refreshTimeline();
    }).catch(function (e) { showError(e.message); });
  }
  function renderLessonHead() {
    var d = state.detail;
    $('#lesson-name').textContent = d.name;
    $('#lesson-meta').textContent = t('serve.page.lessonMeta', { file: d.file, start: fmtTime(d.start, d.zone, true), end: fmtTime(d.end, d.zone, false), zone: d.zone });
    var badge = $('#lesson-state');
    badge.textContent = d.lockedBy ? t('serve.page.lockedBy', { state: word('phase', d.state), pid: d.lockedBy.pid, host: d.lockedBy.host }) : word('phase', d.state);
    badge.className = 'badge badge-' + d.state;
    $('#pause').hidden = d.state === 'paused' || d.state === 'finished';
    $('#resume').hidden = d.state !== 'paused';
  }
  function renderActions() {
    var d = state.detail;
    var body = $('#actions tbody');
    body.textContent = '';
    // In the order of the times shown (a check-in at its start, not at its registration ahead).
    var when = function (a) { return a.startsAt !== undefined ? a.startsAt : a.at; };
    d.actions.slice().sort(function (x, y) { return when(x) - when(y); }).forEach(function (a) { body.appendChild(actionRow(a, d)); });
  }
  function actionRow(a, d) {
    var tr = el('tr', 'action state-' + a.state);
    tr.dataset.id = a.id;
    tr.appendChild(el('td', 'time', fmtTime(a.startsAt !== undefined ? a.startsAt : a.at, d.zone, false)));
    var idCell = el('td', 'id');
    idCell.appendChild(el('code', null, a.id));
    idCell.appendChild(el('div', 'kind', t('serve.page.kindChannel', { kind: word('kind', a.kind), channel: a.channel })));
    tr.appendChild(idCell);
    var st = el('td', 'st');
    st.appendChild(el('span', 'badge badge-' + a.state, word('state', a.state)));
    if (a.latenessMs !== undefined) st.appendChild(el('div', 'late', t('serve.page.lateness', { lateness: duration(a.latenessMs) })));
    tr.appendChild(st);
    var what = el('td', 'what');
    if (a.text) what.appendChild(el('div', 'text', a.text));
    var by = a.control ? t(a.control.control === 'skip' ? 'serve.page.skippedBy' : 'serve.page.sentAheadBy', { who: a.control.who }) : null;
    var note = [a.message, a.refused, by].filter(function (x, i, all) { return x && all.indexOf(x) === i; }).join(t('serve.page.noteSeparator'));
    if (note) what.appendChild(el('div', 'note', note));
    var call = el('details', 'call');
    call.appendChild(el('summary', null, t('serve.page.call')));
    call.appendChild(el('code', null, a.call));
    what.appendChild(call);
    tr.appendChild(what);
    var ctl = el('td', 'ctl');
    if (a.state === 'pending' && !a.control && d.state !== 'finished') {
      var skip = el('button', 'skip', t('serve.page.skip'));
      skip.type = 'button';
      skip.addEventListener('click', function () { control('actions/' + encodeURIComponent(a.id) + '/skip', null); });
      var now = el('button', 'send-now', t('serve.page.sendNow'));
      now.type = 'button';
      now.addEventListener('click', function () { control('actions/' + encodeURIComponent(a.id) + '/send-now', t('serve.page.confirmSendNow', { action: a.id })); });
      ctl.appendChild(skip);
      ctl.appendChild(now);
    }
    tr.appendChild(ctl);
    return tr;
  }
  function updateAction(lessonId, a) {
    if (!state.detail || state.detail.id !== lessonId) return;
    var i = state.detail.actions.findIndex(function (x) { return x.id === a.id; });
    if (i < 0) return select(lessonId);
    state.detail.actions[i] = a;
    var tr = document.querySelector('#actions tr[data-id="' + CSS.escape(a.id) + '"]');
    if (tr) tr.replaceWith(actionRow(a, state.detail));
    scheduleTimeline();
  }
  var timelineTimer = null;
  function scheduleTimeline() {
    if (timelineTimer) return;
    timelineTimer = setTimeout(function () { timelineTimer = null; refreshTimeline(); }, 250);
  }
  function refreshTimeline() {
    if (!state.selected) return;
    fetch(withLang('/api/lessons/' + encodeURIComponent(state.selected) + '/timeline.svg'), { headers: headers(), cache: 'no-store' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(t('serve.page.timelineError', { status: r.status }))); })
      .then(function (svg) { $('#timeline').innerHTML = svg; })
      .catch(function (e) { showError(e.message); });
  }
  function control(path, confirmText) {
    if (confirmText && !window.confirm(confirmText)) return;
    var who = $('#who').value.trim();
    api('lessons/' + encodeURIComponent(state.selected) + '/' + path, { method: 'POST', body: who ? { who: who } : {} })
      .then(function () { showError(''); select(state.selected); })
      .catch(function (e) { showError(e.message); });
  }

  // ---- live updates: server-sent events, read with fetch so that the token can travel in a header ----
  function connect() {
    fetch(withLang('/api/events'), { headers: headers(), cache: 'no-store' }).then(function (r) {
      if (!r.ok || !r.body) throw new Error('events: HTTP ' + r.status);
      setLive(true);
      var reader = r.body.getReader();
      var decoder = new TextDecoder();
      var buf = '';
      function pump() {
        return reader.read().then(function (x) {
          if (x.done) throw new Error('closed');
          buf += decoder.decode(x.value, { stream: true });
          var i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            var block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            var ev = /^event: (.+)$/m.exec(block);
            var data = /^data: (.+)$/m.exec(block);
            if (ev && data) onEvent(ev[1], JSON.parse(data[1]));
          }
          return pump();
        });
      }
      return pump();
    }).catch(function () {
      setLive(false);
      setTimeout(connect, 2000);
    });
  }
  var wasOffline = false;
  function setLive(on) {
    if (on && wasOffline) load();
    wasOffline = !on;
    state.live = on;
    var b = $('#live');
    b.textContent = t(on ? 'serve.page.live' : 'serve.page.offline');
    b.className = 'badge ' + (on ? 'badge-running' : 'badge-failed');
  }
  function onEvent(type, data) {
    if (data.now) state.skew = data.now - Date.now();
    if (type === 'lesson') updateLesson(data);
    else if (type === 'action') { updateLesson(data.summary); updateAction(data.lesson, data.action); }
    else if (type === 'rejected' || type === 'accepted') loadRejected();
  }

  function load() {
    return api('lessons?upcoming=' + UPCOMING + '&earlier=' + EARLIER).then(function (d) {
      state.skew = d.now - Date.now();
      state.lessons = d.lessons;
      state.more = d.more || { upcoming: 0, earlier: 0 };
      state.rejected = d.rejected;
      $('#templates').textContent = d.templates.length ? t('serve.page.templates', { list: d.templates.join(t('serve.page.listSeparator')) }) : '';
      renderLessons();
      renderRejected();
      route();
    }).catch(function (e) { showError(e.message); });
  }
  var loadTimer = null;
  function scheduleLoad() {
    if (loadTimer) return;
    loadTimer = setTimeout(function () { loadTimer = null; load(); }, 1000);
  }
  function loadRejected() {
    api('diagnostics').then(function (d) { state.rejected = d.rejected; renderRejected(); });
  }
  function route() {
    var r = /^#\/lesson\/([0-9a-f]+)/.exec(location.hash);
    var id = r ? r[1] : null;
    if (!id) {
      var pick = state.lessons.find(function (l) { return l.state === 'running' || l.state === 'paused'; }) || state.lessons.find(function (l) { return l.state === 'upcoming'; });
      id = pick ? pick.id : null;
    }
    if (id !== state.selected || !state.detail) select(id);
  }

  document.addEventListener('DOMContentLoaded', function () {
    try { $('#who').value = localStorage.getItem('runbook-who') || ''; } catch (e) { /* private mode */ }
    $('#who').addEventListener('change', function () { try { localStorage.setItem('runbook-who', $('#who').value.trim()); } catch (e) { /* private mode */ } });
    $('#pause').addEventListener('click', function () { control('pause', null); });
    $('#resume').addEventListener('click', function () { control('resume', t('serve.page.confirmResume')); });
    // The language switch: the server remembers the choice (a cookie) and sends the page in it;
    // the lesson shown stays shown. The ?lang= it leaves in the address is taken out again.
    document.querySelectorAll('#langs a[data-lang]').forEach(function (a) {
      a.addEventListener('click', function (e) {
        e.preventDefault();
        location.href = location.pathname + '?lang=' + encodeURIComponent(a.dataset.lang) + location.hash;
      });
    });
    if (/[?&]lang=/.test(location.search)) history.replaceState(null, '', location.pathname + location.search.replace(/[?&]lang=[^&]*/, '').replace(/^&/, '?') + location.hash);
    window.addEventListener('hashchange', route);
    // The "now" line moves: redraw the picture of a lesson that is on now.
    setInterval(function () { if (state.detail && state.detail.state !== 'finished') refreshTimeline(); }, 10000);
    load();
    connect();
  });
})();
`;
