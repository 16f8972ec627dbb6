/**
 * The demo page served at `/` by `roomcast demo`: seed 000's room model, live. Three users connect with their
 * own token, see the rooms their (stub) backend allows, subscribe, and watch triggers arrive. Plain HTML and
 * script, no build step; every value from the network is inserted as text, never as markup.
 *
 * The script below is written without backticks and without dollar-brace sequences, so this template literal
 * carries it verbatim; its one backslash (in the shell quoting of the curl line) is doubled here.
 *
 * @module
 */
export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>roomcast demo: rooms, bootstrap and triggers</title>
<style>
  :root {
    --bg: #f4f6f9; --card: #ffffff; --ink: #111827; --muted: #5b6472; --line: #dfe3ea;
    --ok: #05603a; --ok-bg: #dcfae6; --err: #b42318; --err-bg: #fee4e2; --warn: #93370d; --warn-bg: #fef0c7;
    --accent: #1d4ed8; --accent-bg: #e8efff; --code-bg: #f1f3f7;
  }
  * { box-sizing: border-box; }
  html { -webkit-text-size-adjust: 100%; }
  body { margin: 0; background: var(--bg); color: var(--ink);
    font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
  code, .mono { font-family: ui-monospace, SFMono-Regular, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace; font-size: 13px; }
  .page { max-width: 1360px; margin: 0 auto; padding: 24px 24px 40px; }
  .intro h1 { margin: 0 0 6px; font-size: 24px; letter-spacing: -0.01em; }
  .intro h1 span { color: var(--muted); font-weight: 400; }
  .intro p { margin: 0 0 6px; color: var(--muted); max-width: 78ch; }
  .intro p code { color: var(--ink); background: var(--code-bg); padding: 0 4px; border-radius: 4px; }
  .intro .try { color: var(--ink); }
  .users { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; margin: 18px 0 16px; }
  @media (max-width: 980px) { .users { grid-template-columns: 1fr; } }
  .card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 16px 18px;
    box-shadow: 0 1px 2px rgba(16, 24, 40, 0.05); min-width: 0; }
  .card-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 10px; }
  .card h2 { margin: 0; font-size: 17px; line-height: 1.3; }
  .card .sub { color: var(--muted); font-size: 12px; margin-top: 2px; overflow-wrap: anywhere; }
  .pill { flex: none; font-size: 12px; font-weight: 600; padding: 2px 10px; border-radius: 999px;
    background: var(--code-bg); color: var(--muted); white-space: nowrap; }
  .pill.ok { background: var(--ok-bg); color: var(--ok); }
  .pill.err { background: var(--err-bg); color: var(--err); }
  .pill.warn { background: var(--warn-bg); color: var(--warn); }
  .label { display: block; font-size: 11px; font-weight: 600; color: var(--muted); margin: 14px 0 6px;
    text-transform: uppercase; letter-spacing: 0.06em; }
  .allowed { display: block; background: var(--code-bg); border-radius: 6px; padding: 6px 8px; overflow-wrap: anywhere; min-height: 32px; }
  .rooms { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 6px 10px; align-items: center; }
  .room-row { display: contents; }
  .room-row .room { overflow-wrap: anywhere; }
  .room-row .reply { grid-column: 1 / -1; margin-top: -4px; font-size: 12px; min-height: 0; }
  .room-row .reply:empty { display: none; }
  .reply.ok { color: var(--ok); } .reply.err { color: var(--err); } .reply.wait { color: var(--muted); }
  .btn { font: inherit; font-size: 13px; font-weight: 500; padding: 4px 12px; min-width: 104px; border-radius: 7px; cursor: pointer;
    border: 1px solid #c3cad6; background: #fff; color: var(--ink); }
  .btn:hover:not(:disabled) { border-color: var(--accent); color: var(--accent); }
  .btn:focus-visible, select:focus-visible, input:focus-visible { outline: 2px solid var(--accent); outline-offset: 1px; }
  .btn:disabled { cursor: default; opacity: 0.55; }
  .btn.on { background: var(--accent-bg); border-color: #a9bdf5; color: var(--accent); }
  .btn.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
  .btn.primary:hover:not(:disabled) { background: #1e40af; color: #fff; }
  .log-head { display: flex; justify-content: space-between; align-items: baseline; }
  .log-head button { font: inherit; font-size: 12px; background: none; border: 0; color: var(--accent); cursor: pointer; padding: 0; }
  .log { list-style: none; margin: 0; padding: 0; height: 210px; overflow: auto; border: 1px solid var(--line);
    border-radius: 8px; background: #fbfcfe; }
  .log li { padding: 6px 10px; border-bottom: 1px solid var(--line); }
  .log li.empty { color: var(--muted); font-size: 13px; border: 0; }
  .log .meta { display: flex; gap: 8px; align-items: baseline; font-size: 12px; color: var(--muted); }
  .log .via { color: var(--accent); }
  .log .data { display: block; margin-top: 1px; overflow-wrap: anywhere; color: var(--ink); }
  .log li.fresh { animation: flash 1.2s ease-out; }
  @keyframes flash { from { background: #fff7d1; } to { background: transparent; } }
  .trigger-form { display: flex; flex-wrap: wrap; gap: 10px 12px; align-items: flex-end; }
  .field { display: flex; flex-direction: column; gap: 4px; font-size: 12px; font-weight: 600; color: var(--muted); }
  .field.grow { flex: 1 1 280px; }
  select, input[type=text] { font: inherit; font-size: 14px; color: var(--ink); padding: 6px 9px; border: 1px solid #c3cad6;
    border-radius: 7px; background: #fff; min-width: 0; }
  select { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
  .trigger-form .btn { padding: 7px 16px; }
  .answer { margin-top: 12px; font-size: 14px; }
  .answer .label { display: inline; margin-right: 8px; }
  .answer .ok { color: var(--ok); font-weight: 600; } .answer .err { color: var(--err); font-weight: 600; }
  .note { margin: 12px 0 0; padding: 8px 12px; border-left: 3px solid #f5b945; background: #fffaeb; border-radius: 0 6px 6px 0; font-size: 13.5px; }
  .note code { background: rgba(0, 0, 0, 0.05); padding: 0 3px; border-radius: 3px; }
  .curl { display: flex; gap: 8px; align-items: stretch; }
  .curl code { flex: 1; min-width: 0; display: block; padding: 9px 12px; background: #0f172a; color: #e2e8f0; border-radius: 8px;
    white-space: pre-wrap; overflow-wrap: anywhere; }
  .curl .btn { min-width: 84px; }
  .hint { color: var(--muted); font-size: 12px; margin: 6px 0 0; }
  noscript { display: block; padding: 12px; background: var(--err-bg); color: var(--err); border-radius: 8px; }
</style>
</head>
<body>
<div class="page">
  <section class="intro">
    <h1>roomcast <span>demo</span></h1>
    <p>Each panel below is one user with its own WebSocket to <code>/ws/?token=…</code>. Before accepting a connection,
    roomcast asks the backend's <code>/api/bootstrap/</code> who the user is and which rooms they may join (here a stub
    backend built into the demo), greets the client with those <code>allowed_rooms</code>, and refuses any subscribe
    outside them. When the backend posts a trigger to <code>/trigger/</code>, roomcast fans the data out to every
    current subscriber of the rooms it names.</p>
    <p class="try">Try it: subscribe to Delft in all three panels, then send a trigger to Delft.</p>
  </section>
  <noscript>This page needs JavaScript to open its WebSockets.</noscript>

  <section class="users" id="users" aria-label="Users"></section>

  <section class="card" id="trigger" aria-labelledby="trigger-title">
    <div class="card-head">
      <h2 id="trigger-title">Trigger: what the backend sends</h2>
      <span class="pill">POST /trigger/</span>
    </div>
    <form class="trigger-form" id="trigger-form" autocomplete="off" style="margin-top: 12px">
      <label class="field">Room
        <select id="t-location" name="location"></select>
      </label>
      <label class="field grow">Message
        <input type="text" id="t-message" name="message" value="Stand-up in 5 minutes" maxlength="500">
      </label>
      <button type="submit" class="btn primary" id="t-send">Send trigger</button>
    </form>
    <div class="answer" aria-live="polite"><span class="label">HTTP answer</span><span id="t-answer" class="mono">nothing sent yet</span></div>
    <p class="note"><code>"*"</code> is a wildcard only in <em>allowed</em> rooms: it lets the CEO subscribe to any
    concrete location. A trigger to <code>{"location":"*"}</code> reaches only those subscribed to the literal
    <code>"*"</code> room, and a trigger to <code>{"location":"Delft"}</code> does not reach them. To reach both,
    trigger twice: once to the location and once to <code>"*"</code>.</p>
    <span class="label">The same trigger with curl, from a shell on this machine</span>
    <div class="curl">
      <code id="curl"></code>
      <button type="button" class="btn" id="copy">Copy</button>
    </div>
    <p class="hint">The demo accepts triggers from loopback without a secret; a real deployment sends
    <code>Authorization: Bearer &lt;secret&gt;</code>.</p>
  </section>
</div>
<script>
(function () {
  'use strict';

  var USERS = [
    { token: 'delft', name: 'Delft manager', role: 'branch manager' },
    { token: 'eindhoven', name: 'Eindhoven manager', role: 'branch manager' },
    { token: 'ceo', name: 'CEO', role: 'all locations' }
  ];
  var LOCATIONS = ['Delft', 'Eindhoven', 'Utrecht', '*'];
  var PING_MS = 30000;
  var MAX_LOG = 200;
  var WS_BASE = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/';

  /** Builds an element; strings become text nodes, never markup. */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (k === 'text') node.textContent = v;
        else if (k === 'class') node.className = v;
        else node.setAttribute(k, v);
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c !== null && c !== undefined) node.append(c);
    }
    return node;
  }
  function roomText(loc) { return JSON.stringify({ location: loc }); }
  function pad(n, w) { var s = String(n); while (s.length < (w || 2)) s = '0' + s; return s; }
  function now() {
    var d = new Date();
    return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
  }
  function show(value) {
    if (value === undefined) return 'undefined';
    try { return JSON.stringify(value); } catch (e) { return String(value); }
  }

  function createPanel(user) {
    var stateEl = el('span', { class: 'pill', text: 'connecting…' });
    var allowedEl = el('code', { class: 'allowed', text: '(waiting for the greeting)' });
    var roomsEl = el('div', { class: 'rooms' });
    var logEl = el('ol', { class: 'log', 'aria-live': 'polite' });
    var emptyEl = el('li', { class: 'empty', text: 'No publishes yet. Subscribe to a room, then send a trigger.' });
    var countEl = el('span', { text: '' });
    var clearBtn = el('button', { type: 'button', text: 'clear' });
    logEl.append(emptyEl);

    document.getElementById('users').append(el('article', { class: 'card user', 'data-user': user.token },
      el('div', { class: 'card-head' },
        el('div', null, el('h2', { text: user.name }), el('div', { class: 'sub mono', text: user.role + ' · token ' + user.token })),
        stateEl),
      el('span', { class: 'label', text: 'allowed_rooms from the greeting' }), allowedEl,
      el('span', { class: 'label', text: 'Subscriptions' }), roomsEl,
      el('div', { class: 'log-head' }, el('span', { class: 'label' }, 'Received publishes ', countEl), clearBtn),
      logEl));

    var ws = null;
    var denied = false;
    var attempt = 0;
    var pingTimer = null;
    var seq = 0;
    var received = 0;
    var pending = [];          // reply handlers (null for a ping), oldest first: replies carry no requestId, come in order
    var roomOf = new Map();    // requestId -> location, to label publishes
    var rows = new Map();      // location -> row state

    function setState(text, kind) { stateEl.textContent = text; stateEl.className = 'pill' + (kind ? ' ' + kind : ''); }

    function render(r) {
      var subscribed = r.requestId !== null;
      r.button.textContent = r.busy ? '…' : subscribed ? 'Unsubscribe' : 'Subscribe';
      r.button.className = 'btn' + (subscribed ? ' on' : '');
      r.button.disabled = r.busy || !ws || ws.readyState !== WebSocket.OPEN || denied;
      r.button.setAttribute('aria-pressed', subscribed ? 'true' : 'false');
    }
    function renderAll() { rows.forEach(render); }
    function setReply(r, text, kind, title) {
      r.reply.textContent = text;
      r.reply.className = 'reply ' + kind;
      r.reply.title = title || '';
    }
    function showReply(r, action, msg) {
      var ok = msg && msg.code === 'success';
      var why = msg && typeof msg.message === 'string' ? msg.message : show(msg);
      setReply(r, action + ': ' + (ok ? 'success' : why), ok ? 'ok' : 'err', show(msg));
    }

    function send(frame, onReply) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return false;
      pending.push(onReply);
      ws.send(JSON.stringify(frame));
      return true;
    }

    function subscribe(loc, action) {
      var r = rows.get(loc);
      var requestId = user.token + '-' + loc + '-' + (++seq);
      r.busy = true;
      setReply(r, action + ': waiting…', 'wait');
      var sent = send({ type: 'subscribe', room: { location: loc }, requestId: requestId }, function (msg) {
        r.busy = false;
        if (msg && msg.code === 'success') { r.requestId = requestId; roomOf.set(requestId, loc); }
        showReply(r, action, msg);
        render(r);
      });
      if (!sent) { r.busy = false; setReply(r, action + ': not connected', 'err'); }
      render(r);
    }

    function unsubscribe(loc) {
      var r = rows.get(loc);
      var requestId = r.requestId;
      r.busy = true;
      setReply(r, 'unsubscribe: waiting…', 'wait');
      var sent = send({ type: 'unsubscribe', requestId: requestId }, function (msg) {
        r.busy = false;
        // not-subscribed means the server holds nothing under that id either: the row is unsubscribed both ways.
        if (msg && (msg.code === 'success' || msg.message === 'not-subscribed')) r.requestId = null;
        showReply(r, 'unsubscribe', msg);
        render(r);
      });
      if (!sent) { r.busy = false; setReply(r, 'unsubscribe: not connected', 'err'); }
      render(r);
    }

    LOCATIONS.forEach(function (loc) {
      var button = el('button', { type: 'button', class: 'btn', 'data-location': loc, text: 'Subscribe' });
      var reply = el('span', { class: 'reply', 'data-location': loc, role: 'status' });
      var r = { button: button, reply: reply, requestId: null, busy: false };
      rows.set(loc, r);
      button.addEventListener('click', function () {
        if (r.requestId !== null) unsubscribe(loc); else subscribe(loc, 'subscribe');
      });
      roomsEl.append(el('div', { class: 'room-row', 'data-location': loc },
        el('code', { class: 'room', text: roomText(loc) }), button, reply));
      render(r);
    });

    function logPublish(msg) {
      var loc = roomOf.get(msg.requestId);
      var via = loc !== undefined ? 'via ' + roomText(loc) : 'requestId ' + show(msg.requestId);
      var item = el('li', { class: 'fresh', 'data-location': loc === undefined ? '' : loc },
        el('div', { class: 'meta' }, el('span', { class: 't mono', text: now() }), el('span', { class: 'via mono', text: via })),
        el('code', { class: 'data', text: show(msg.data) }));
      if (emptyEl.parentNode) emptyEl.remove();
      logEl.prepend(item);
      while (logEl.children.length > MAX_LOG) logEl.lastChild.remove();
      received++;
      countEl.textContent = '(' + received + ')';
    }
    clearBtn.addEventListener('click', function () {
      logEl.replaceChildren(emptyEl);
      received = 0;
      countEl.textContent = '';
    });

    function connect() {
      var socket = new WebSocket(WS_BASE + '?token=' + encodeURIComponent(user.token));
      ws = socket;
      setState(attempt === 0 ? 'connecting…' : 'reconnecting…', 'warn');
      socket.addEventListener('open', function () {
        pingTimer = setInterval(function () {
          if (socket.readyState !== WebSocket.OPEN) return;
          // A ping takes its place in the reply queue too: a rate-limited server answers it with an error, not pong.
          pending.push(null);
          socket.send('ping');
        }, PING_MS);
      });
      socket.addEventListener('message', function (event) {
        if (typeof event.data !== 'string') return;
        if (event.data === 'pong') { pending.shift(); return; }
        var msg;
        try { msg = JSON.parse(event.data); } catch (e) { return; }
        if (msg === null || typeof msg !== 'object') return;
        if ('is_authorized' in msg) {
          if (msg.is_authorized === true) {
            attempt = 0;
            setState('connected', 'ok');
            allowedEl.textContent = show(msg.allowed_rooms);
            renderAll();
            // The old socket's subscriptions died with it: subscribe again to what was subscribed.
            rows.forEach(function (r, loc) {
              if (r.requestId !== null) { r.requestId = null; subscribe(loc, 'resubscribe'); }
            });
          } else {
            denied = true;
            setState('not authorized', 'err');
            allowedEl.textContent = '{"is_authorized":false}: the backend refused this token';
            renderAll();
          }
        } else if (msg.type === 'publish') {
          logPublish(msg);
        } else {
          var handler = pending.shift();
          if (handler) handler(msg);
        }
      });
      socket.addEventListener('close', function (event) {
        clearInterval(pingTimer);
        if (ws !== socket) return;
        pending.length = 0;
        rows.forEach(function (r) {
          if (r.busy) { r.busy = false; setReply(r, 'connection closed before the reply', 'err'); }
        });
        renderAll();
        if (denied) return; // told is_authorized:false: retrying would only be refused again
        var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
        attempt++;
        setState('closed (' + event.code + '), retry in ' + Math.round(delay / 1000) + ' s', 'err');
        setTimeout(connect, delay);
      });
    }
    connect();
  }

  USERS.forEach(createPanel);

  // The trigger form.
  var select = document.getElementById('t-location');
  var input = document.getElementById('t-message');
  var answer = document.getElementById('t-answer');
  var sendBtn = document.getElementById('t-send');
  var curl = document.getElementById('curl');
  var copyBtn = document.getElementById('copy');
  LOCATIONS.forEach(function (loc) { select.append(el('option', { value: loc, text: roomText(loc) })); });

  function body() { return JSON.stringify({ rooms: [{ location: select.value }], data: { message: input.value } }); }
  function shellQuote(s) { return "'" + s.split("'").join("'\\\\''") + "'"; }
  function updateCurl() {
    curl.textContent = 'curl -X POST ' + location.origin + '/trigger/ -d ' + shellQuote(body());
  }
  select.addEventListener('change', updateCurl);
  input.addEventListener('input', updateCurl);
  updateCurl();

  document.getElementById('trigger-form').addEventListener('submit', function (event) {
    event.preventDefault();
    sendBtn.disabled = true;
    answer.className = 'mono';
    answer.textContent = 'sending…';
    fetch('/trigger/', { method: 'POST', body: body() }).then(function (res) {
      return res.text().then(function (text) {
        answer.textContent = now() + '  ' + res.status + ' ' + text;
        answer.className = 'mono ' + (res.ok ? 'ok' : 'err');
      });
    }).catch(function (err) {
      answer.textContent = now() + '  request failed: ' + (err && err.message ? err.message : String(err));
      answer.className = 'mono err';
    }).then(function () { sendBtn.disabled = false; });
  });

  copyBtn.addEventListener('click', function () {
    var text = curl.textContent;
    function done(ok) {
      copyBtn.textContent = ok ? 'Copied' : 'Select it';
      setTimeout(function () { copyBtn.textContent = 'Copy'; }, 1500);
    }
    function fallback() {
      var range = document.createRange();
      range.selectNodeContents(curl);
      var sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  });
})();
</script>
</body>
</html>
`;
