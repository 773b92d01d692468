/**
 * The page's script: plain browser JavaScript, no framework and no build step (a list, one lesson's
 * picture and table, a few buttons — a framework would be most of the page's weight and none of its
 * function). It talks only to this server's API: the lesson list, one lesson, its timeline picture
 * (drawn by the server, the same renderer as `runbook plan --html`), the event stream, and the
 * controls. Every value from the API is put in the page as text, never as HTML; the picture is SVG
 * that the server escaped.
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
    return fetch('/api/' + path, { method: opts.method || 'GET', headers: headers(opts.body ? { 'Content-Type': 'application/json' } : {}), body: opts.body ? JSON.stringify(opts.body) : undefined, cache: 'no-store' })
      .then(function (r) {
        if (r.status === 401) { showError('This server needs its token: open the page as …/#token=YOUR-TOKEN'); throw new Error('unauthorized'); }
        return r.json().then(function (j) { if (!r.ok) throw new Error(j.message || ('HTTP ' + r.status)); return j; });
      });
  }
  function nowMs() { return Date.now() + state.skew; }
  function fmtTime(ms, zone, withDate) {
    var o = { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false, timeZone: zone };
    if (withDate) { o.year = 'numeric'; o.month = '2-digit'; o.day = '2-digit'; }
    try { return new Date(ms).toLocaleString(undefined, o); } catch (e) { return new Date(ms).toISOString(); }
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
    [['today', 'Today'], ['upcoming', 'Upcoming'], ['earlier', 'Earlier']].forEach(function (g) {
      var list = $('#list-' + g[0]);
      list.textContent = '';
      var items = groups[g[0]];
      items.forEach(function (l) { list.appendChild(lessonItem(l)); });
      var more = g[0] === 'today' ? 0 : state.more[g[0]] || 0;
      if (more > 0) list.appendChild(el('li', 'more', more + (g[0] === 'upcoming' ? ' more later' : ' more before')));
      $('#count-' + g[0]).textContent = String(items.length + more);
      if (items.length === 0) list.appendChild(el('li', 'empty', 'none'));
    });
  }
  function lessonItem(l) {
    var li = el('li', 'lesson state-' + l.state + (state.selected === l.id ? ' selected' : ''));
    li.dataset.id = l.id;
    var a = el('a');
    a.href = '#/lesson/' + l.id;
    a.appendChild(el('span', 'when', fmtTime(l.start, l.zone, true)));
    a.appendChild(el('span', 'name', l.name));
    a.appendChild(el('span', 'badge badge-' + l.state, l.state));
    var c = l.counts;
    var bits = [c.done + '/' + l.total + ' done'];
    ['failed', 'ambiguous', 'skipped'].forEach(function (k) { if (c[k]) bits.push(c[k] + ' ' + k); });
    a.appendChild(el('span', 'counts', bits.join(' · ')));
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
    box.appendChild(el('h2', null, 'Changes that do not validate'));
    state.rejected.forEach(function (r) {
      var sec = el('div', 'rejected');
      sec.appendChild(el('div', 'rejected-file', r.file + (r.kept ? ' — nothing changed: its last good plan keeps running' : ' — not served')));
      var ul = el('ul');
      r.diagnostics.forEach(function (d) {
        var li = el('li', 'diag diag-' + d.severity);
        li.appendChild(el('code', null, d.file + ':' + d.line + ':' + d.col));
        li.appendChild(document.createTextNode(' ' + d.severity + ' ' + d.code + ' ' + d.message));
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
    $('#lesson-meta').textContent = d.file + ' · ' + fmtTime(d.start, d.zone, true) + ' – ' + fmtTime(d.end, d.zone, false) + ' (' + d.zone + ')';
    var badge = $('#lesson-state');
    badge.textContent = d.state + (d.lockedBy ? ' by pid ' + d.lockedBy.pid + ' on ' + d.lockedBy.host : '');
    badge.className = 'badge badge-' + d.state;
    $('#pause').hidden = d.state === 'paused' || d.state === 'finished';
    $('#resume').hidden = d.state !== 'paused';
  }
  function renderActions() {
    var d = state.detail;
    var body = $('#actions tbody');
    body.textContent = '';
    d.actions.forEach(function (a) { body.appendChild(actionRow(a, d)); });
  }
  function actionRow(a, d) {
    var tr = el('tr', 'action state-' + a.state);
    tr.dataset.id = a.id;
    tr.appendChild(el('td', 'time', fmtTime(a.startsAt !== undefined ? a.startsAt : a.at, d.zone, false)));
    var idCell = el('td', 'id');
    idCell.appendChild(el('code', null, a.id));
    idCell.appendChild(el('div', 'kind', a.kind + ' · ' + a.channel));
    tr.appendChild(idCell);
    var st = el('td', 'st');
    st.appendChild(el('span', 'badge badge-' + a.state, a.state));
    if (a.latenessMs !== undefined) st.appendChild(el('div', 'late', '+' + a.latenessMs + ' ms'));
    tr.appendChild(st);
    var what = el('td', 'what');
    if (a.text) what.appendChild(el('div', 'text', a.text));
    var note = [a.message, a.refused, a.control ? a.control.control + ' by ' + a.control.who : null].filter(Boolean).join(' · ');
    if (note) what.appendChild(el('div', 'note', note));
    var call = el('details', 'call');
    call.appendChild(el('summary', null, 'call'));
    call.appendChild(el('code', null, a.call));
    what.appendChild(call);
    tr.appendChild(what);
    var ctl = el('td', 'ctl');
    if (a.state === 'pending' && !a.control && d.state !== 'finished') {
      var skip = el('button', 'skip', 'Skip');
      skip.type = 'button';
      skip.addEventListener('click', function () { control('actions/' + encodeURIComponent(a.id) + '/skip', null); });
      var now = el('button', 'send-now', 'Send now');
      now.type = 'button';
      now.addEventListener('click', function () { control('actions/' + encodeURIComponent(a.id) + '/send-now', 'Send ' + a.id + ' to the platform now, ahead of its time?'); });
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
    fetch('/api/lessons/' + encodeURIComponent(state.selected) + '/timeline.svg', { headers: headers(), cache: 'no-store' })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error('timeline: HTTP ' + r.status)); })
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
    fetch('/api/events', { headers: headers(), cache: 'no-store' }).then(function (r) {
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
    b.textContent = on ? 'live' : 'offline';
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
      $('#templates').textContent = d.templates.length ? 'templates: ' + d.templates.join(', ') : '';
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
    $('#resume').addEventListener('click', function () { control('resume', 'Resume this lesson? Calls that are due will be sent (late ones follow their missed policy).'); });
    window.addEventListener('hashchange', route);
    // The "now" line moves: redraw the picture of a lesson that is on now.
    setInterval(function () { if (state.detail && state.detail.state !== 'finished') refreshTimeline(); }, 10000);
    load();
    connect();
  });
})();
`;
