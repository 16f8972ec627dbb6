/**
 * The demo page's main script (see page.ts): shared helpers, one panel per user with its own templar WebSocket,
 * subscribe buttons and a log of the publishes it receives. Each panel hosts an orders list (page-orders.ts) and
 * tells it when the greeting arrives, when the socket closes, when a room is subscribed to and when a publish
 * comes in. A closed socket is opened again after a backoff that the panel's state counts down.
 *
 * Written without backticks and without dollar-brace sequences, so this template literal carries it verbatim.
 *
 * @module
 */
export const PANEL_SCRIPT = `
  var USERS = [
    { token: 'delft', name: 'Delft manager', role: 'branch manager', home: 'Delft' },
    { token: 'eindhoven', name: 'Eindhoven manager', role: 'branch manager', home: 'Eindhoven' },
    { token: 'ceo', name: 'CEO', role: 'all locations', home: 'Delft' }
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
    var orders = createOrders(user);
    logEl.append(emptyEl);

    document.getElementById('users').append(el('article', { class: 'card user', 'data-user': user.token },
      el('div', { class: 'card-head' },
        el('div', null, el('h2', { text: user.name }), el('div', { class: 'sub mono', text: user.role + ' · token ' + user.token })),
        stateEl),
      el('span', { class: 'label', text: 'allowed_rooms from the greeting' }), allowedEl,
      el('span', { class: 'label', text: 'Subscriptions' }), roomsEl,
      orders.element,
      el('div', { class: 'log-head' }, el('span', { class: 'label' }, 'Received publishes ', countEl), clearBtn),
      logEl));

    var ws = null;
    var denied = false;
    var attempt = 0;
    var pingTimer = null;
    var countdownTimer = null;
    var seq = 0;
    var received = 0;
    var pending = [];          // reply handlers (null for a ping), oldest first: replies carry no requestId, come in order
    var roomOf = new Map();    // requestId -> location, to label publishes
    var rows = new Map();      // location -> row state
    var joinedOwn = false;     // whether the rooms of the user's own locations were subscribed to once

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
        if (msg && msg.code === 'success') orders.subscribed(loc);
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
            var own = orders.ready(msg.allowed_rooms);
            // The old socket's subscriptions died with it: subscribe again to what was subscribed.
            rows.forEach(function (r, loc) {
              if (r.requestId !== null) { r.requestId = null; subscribe(loc, 'resubscribe'); }
            });
            // Once, join the rooms of the user's own locations: that is where changes of their orders are published.
            // After that the buttons decide (an unsubscribed panel stops updating live).
            if (!joinedOwn) {
              joinedOwn = true;
              own.forEach(function (loc) { if (rows.has(loc)) subscribe(loc, 'subscribe'); });
            }
          } else {
            denied = true;
            setState('not authorized', 'err');
            allowedEl.textContent = '{"is_authorized":false}: the backend refused this token';
            renderAll();
            orders.refused();
          }
        } else if (msg.type === 'publish') {
          logPublish(msg);
          orders.published(roomOf.get(msg.requestId), msg.data);
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
        orders.offline();
        var delay = Math.min(30000, 1000 * Math.pow(2, attempt)) * (0.75 + Math.random() * 0.5);
        var retryAt = Date.now() + delay;
        attempt++;
        function tick() {
          setState('closed (' + event.code + '), retry in ' + Math.max(1, Math.ceil((retryAt - Date.now()) / 1000)) + ' s', 'err');
        }
        tick();
        countdownTimer = setInterval(tick, 250);
        setTimeout(function () { clearInterval(countdownTimer); connect(); }, delay);
      });
    }
    connect();
  }

  USERS.forEach(createPanel);
`;
