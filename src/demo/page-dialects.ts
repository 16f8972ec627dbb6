/**
 * The demo page's dialect panels (see page.ts): one for rohrpost (`/ws/rohrpost/`, the frames rohrpost.js sends)
 * and one for binding (`/ws/binding/`, channels-binding's `{event, data}`), each connected as a user chosen from the
 * same three, with buttons that send that dialect's requests and a log of every frame each way. On open, the
 * rohrpost panel joins the group of the user's own location (`{"type":"location","id":…}`, the group `demo.Order`
 * publishes to) and the binding panel subscribes to the `demo.Order` stream, so orders added or deleted anywhere
 * on the page show up in both as they happen, only where the user may read them.
 *
 * It uses `el`, `now`, `USERS` and `ORDER_LOCATIONS` of the other scripts, in the same function scope, and runs
 * after them. Written without backticks and without dollar-brace sequences, so this template literal carries it
 * verbatim.
 *
 * @module
 */
export const DIALECTS_SCRIPT = `
  var MAX_FRAMES = 200;
  var WS_ROOT = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host;

  /** A panel with its own socket to one dialect: spec.build adds its controls and returns what to send on each open. */
  function createDialect(spec) {
    var stateEl = el('span', { class: 'pill', text: 'connecting…' });
    var userSel = el('select', { name: 'user', 'aria-label': 'Connect as' });
    USERS.forEach(function (u) { userSel.append(el('option', { value: u.token, text: u.name })); });
    userSel.value = spec.user;
    var connectBtn = el('button', { type: 'button', class: 'btn', text: 'Disconnect' });
    var controls = el('div', { class: 'dialect-controls' });
    var framesEl = el('ol', { class: 'frames', 'aria-live': 'polite', 'aria-label': spec.title + ' frames' });
    var buttons = [];
    var ws = null;

    function setState(text, kind) { stateEl.textContent = text; stateEl.className = 'pill' + (kind ? ' ' + kind : ''); }
    function isOpen() { return ws !== null && ws.readyState === WebSocket.OPEN; }
    function setOpen(open) {
      buttons.forEach(function (b) { b.disabled = !open; });
      connectBtn.textContent = open || ws !== null ? 'Disconnect' : 'Connect';
    }
    function log(dir, text) {
      framesEl.append(el('li', { class: 'fresh ' + dir, 'data-dir': dir },
        el('span', { class: 't mono', text: now() }),
        el('span', { class: 'dir', text: dir === 'out' ? '→' : dir === 'in' ? '←' : '' }),
        el('code', { class: 'frame', text: text })));
      while (framesEl.children.length > MAX_FRAMES) framesEl.firstChild.remove();
      framesEl.scrollTop = framesEl.scrollHeight;
    }
    function send(frame) {
      if (!isOpen()) return;
      var text = JSON.stringify(frame);
      log('out', text);
      ws.send(text);
    }
    function user() {
      for (var i = 0; i < USERS.length; i++) if (USERS[i].token === userSel.value) return USERS[i];
      return USERS[0];
    }

    function connect() {
      if (ws !== null) { var old = ws; ws = null; old.close(1000); }
      var socket = new WebSocket(WS_ROOT + spec.path + '?token=' + encodeURIComponent(userSel.value));
      ws = socket;
      setState('connecting…', 'warn');
      setOpen(false);
      socket.addEventListener('open', function () {
        if (ws !== socket) return;
        setState('connected', 'ok');
        log('info', 'connected to ' + spec.path + ' as ' + user().name);
        setOpen(true);
        opened(user());
      });
      socket.addEventListener('message', function (event) {
        if (ws === socket) log('in', typeof event.data === 'string' ? event.data : '(binary frame)');
      });
      socket.addEventListener('close', function (event) {
        if (ws !== socket) return;
        ws = null;
        setState('closed (' + event.code + ')', event.code === 1000 ? '' : 'err');
        log('info', 'closed: ' + event.code + (event.reason ? ' ' + event.reason : ''));
        setOpen(false);
      });
    }

    var api = {
      send: send,
      /** A button that is enabled only while the socket is open. */
      button: function (text, onClick) {
        var b = el('button', { type: 'button', class: 'btn', text: text, disabled: '' });
        b.addEventListener('click', onClick);
        buttons.push(b);
        return b;
      },
      controls: controls
    };
    var opened = spec.build(api);
    connectBtn.addEventListener('click', function () {
      if (ws !== null) { var old = ws; ws = null; old.close(1000); setState('closed (1000)', ''); log('info', 'disconnected'); setOpen(false); }
      else connect();
    });
    userSel.addEventListener('change', connect);

    document.getElementById('dialects').append(el('article', { class: 'card dialect', 'data-dialect': spec.key },
      el('div', { class: 'card-head' },
        el('div', null, el('h2', { text: spec.title }), el('div', { class: 'sub mono', text: spec.sub })),
        stateEl),
      el('div', { class: 'dialect-user' }, el('label', { class: 'field' }, 'Connect as', userSel), connectBtn),
      el('span', { class: 'label', text: spec.does }), controls,
      el('span', { class: 'label', text: 'Frames (→ sent, ← received)' }), framesEl));
    connect();
  }

  function locationSelect() {
    var select = el('select', { name: 'location', 'aria-label': 'Location' });
    ORDER_LOCATIONS.forEach(function (loc) { select.append(el('option', { value: loc, text: loc })); });
    return select;
  }

  createDialect({
    key: 'rohrpost', title: 'rohrpost', path: '/ws/rohrpost/', user: 'delft',
    sub: '/ws/rohrpost/ · {type, id, data}, as rohrpost.js sends it',
    does: 'Groups: location-<name>, where order changes are published',
    build: function (api) {
      var seq = 0;
      var select = locationSelect();
      function target() { return { type: 'location', id: select.value }; }
      api.controls.append(select,
        api.button('Subscribe', function () { api.send({ type: 'subscribe', id: ++seq, data: target() }); }),
        api.button('Unsubscribe', function () { api.send({ type: 'unsubscribe', id: ++seq, data: target() }); }),
        api.button('Ping', function () { api.send({ type: 'ping', id: ++seq }); }));
      return function (user) {
        select.value = user.home;
        api.send({ type: 'subscribe', id: ++seq, data: target() });
      };
    }
  });

  createDialect({
    key: 'binding', title: 'binding', path: '/ws/binding/', user: 'ceo',
    sub: '/ws/binding/ · {event, data}, as channels-binding sends it',
    does: 'The demo.Order stream: subscribe, list, create',
    build: function (api) {
      var select = locationSelect();
      var item = el('input', { type: 'text', name: 'item', value: 'Tulip bulbs', maxlength: '100', 'aria-label': 'Item' });
      api.controls.append(
        api.button('Subscribe', function () { api.send({ event: 'demo.Order.subscribe' }); }),
        api.button('Unsubscribe', function () { api.send({ event: 'demo.Order.unsubscribe' }); }),
        api.button('List', function () { api.send({ event: 'demo.Order.list', data: { order: '-id', limit: 3 } }); }),
        el('span', { class: 'break' }),
        select, item,
        api.button('Create', function () {
          api.send({ event: 'demo.Order.create', data: { location: select.value, item: item.value, qty: 1 } });
        }));
      return function () { api.send({ event: 'demo.Order.subscribe' }); };
    }
  });
`;
