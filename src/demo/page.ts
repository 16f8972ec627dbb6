/**
 * The demo page served at `/` by `roomcast demo`: seed 000's room model, live. Three users connect with their
 * own token, see the rooms their (stub) backend allows, subscribe, and watch triggers arrive. Plain HTML and
 * script, no build step; every value from the network is inserted as text, never as markup.
 *
 * @module
 */
export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>roomcast demo</title>
<style>
  :root { --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb; --ok: #047857; --err: #b91c1c; --accent: #2563eb; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f8fafc; }
  header { padding: 20px 28px 8px; }
  h1 { margin: 0 0 6px; font-size: 22px; }
  header p { margin: 4px 0; color: var(--muted); max-width: 980px; }
  main { padding: 8px 28px 28px; display: grid; gap: 16px; }
  .users { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; }
  @media (max-width: 900px) { .users { grid-template-columns: 1fr; } }
  .card { background: white; border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
  .card h2 { margin: 0; font-size: 16px; display: flex; justify-content: space-between; align-items: center; }
  .state { font-size: 12px; font-weight: 500; padding: 2px 8px; border-radius: 999px; background: #f3f4f6; color: var(--muted); }
  .state.open { background: #d1fae5; color: var(--ok); }
  .state.closed { background: #fee2e2; color: var(--err); }
  .label { font-size: 12px; color: var(--muted); margin: 10px 0 4px; text-transform: uppercase; letter-spacing: .04em; }
  code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
  .rooms { display: grid; grid-template-columns: 1fr auto auto; gap: 4px 8px; align-items: center; }
  button { font: inherit; font-size: 13px; padding: 3px 10px; border-radius: 6px; border: 1px solid #cbd5e1; background: white; cursor: pointer; }
  button:hover { border-color: var(--accent); }
  button.on { background: var(--accent); color: white; border-color: var(--accent); }
  .reply { font-size: 12px; min-width: 110px; }
  .reply.ok { color: var(--ok); } .reply.err { color: var(--err); }
  .log { height: 170px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; background: #fbfdff; }
  .log div { border-bottom: 1px dashed var(--line); padding: 2px 0; }
  .log .t { color: var(--muted); margin-right: 6px; }
  .trigger { display: grid; grid-template-columns: auto auto 1fr auto; gap: 8px; align-items: center; }
  @media (max-width: 700px) { .trigger { grid-template-columns: 1fr; } }
  select, input { font: inherit; padding: 5px 8px; border: 1px solid #cbd5e1; border-radius: 6px; }
  .note { color: var(--muted); font-size: 13px; margin: 8px 0 0; }
  #curl { display: block; margin-top: 8px; padding: 8px; background: #0f172a; color: #e2e8f0; border-radius: 6px; white-space: pre-wrap; word-break: break-all; }
</style>
</head>
<body>
<header>
  <h1>roomcast demo</h1>
  <p>Each user below opens a WebSocket to <code>/ws/?token=…</code>. Before accepting it, roomcast asks the backend's
  <code>bootstrap/</code> who the user is and which rooms they may join (here a stub backend built into the demo), then
  greets the client with its <code>allowed_rooms</code>. A subscribe is accepted only for a room the backend allowed;
  a trigger posted to <code>/trigger/</code> is pushed to every subscriber of the rooms it names.</p>
  <p>The branch managers may join one <code>location</code>; the CEO is allowed <code>{"location": "*"}</code> — so may
  subscribe to any concrete location.</p>
</header>
<main>
  <section class="users" id="users"></section>
  <section class="card">
    <h2>Trigger <span class="state" id="trigger-state">ready</span></h2>
    <div class="label">What the backend sends</div>
    <div class="trigger">
      <select id="location"></select>
      <span class="mono">message</span>
      <input id="text" value="Stand-up in 5 minutes" aria-label="message">
      <button id="send" class="on">Send trigger</button>
    </div>
    <p class="note">"*" is a wildcard only in <em>allowed</em> rooms. A trigger to <code>{"location":"Delft"}</code> does not
    reach a subscriber of the literal room <code>{"location":"*"}</code>; to reach both, a backend lists both rooms.</p>
    <div class="label">The same trigger from a shell on this machine</div>
    <code id="curl"></code>
  </section>
</main>
<script>
(() => {
  const USERS = [
    { token: 'delft', name: 'Branch manager, Delft' },
    { token: 'eindhoven', name: 'Branch manager, Eindhoven' },
    { token: 'ceo', name: 'CEO' },
  ];
  const LOCATIONS = ['Delft', 'Eindhoven', 'Utrecht', '*'];
  const wsBase = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/';
  const el = (tag, props = {}, ...children) => {
    const node = document.createElement(tag);
    Object.assign(node, props);
    for (const c of children) node.append(c);
    return node;
  };
  const time = () => new Date().toLocaleTimeString();

  function panel(user) {
    const state = el('span', { className: 'state', textContent: 'connecting' });
    const allowed = el('div', { className: 'mono', textContent: '…' });
    const rooms = el('div', { className: 'rooms' });
    const log = el('div', { className: 'log' });
    const card = el('article', { className: 'card' },
      el('h2', {}, user.name, state),
      el('div', { className: 'label', textContent: 'allowed_rooms from the backend' }), allowed,
      el('div', { className: 'label', textContent: 'Rooms' }), rooms,
      el('div', { className: 'label', textContent: 'Received' }), log);
    document.getElementById('users').append(card);

    let ws;
    let retry = 500;
    const pending = []; // replies come in request order and carry no requestId
    const subs = new Map(); // location → requestId, kept across reconnects
    const rows = new Map();
    let seq = 0;

    const note = (text) => {
      log.prepend(el('div', {}, el('span', { className: 't', textContent: time() }), text));
    };
    const send = (msg, onReply) => {
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      pending.push(onReply);
      ws.send(JSON.stringify(msg));
    };
    const showReply = (loc, reply) => {
      const r = rows.get(loc);
      r.reply.textContent = reply.code === 'success' ? 'success' : reply.message;
      r.reply.className = 'reply ' + (reply.code === 'success' ? 'ok' : 'err');
    };
    const subscribe = (loc) => {
      const requestId = user.token + '-' + loc + '-' + (++seq);
      send({ type: 'subscribe', room: { location: loc }, requestId }, (reply) => {
        showReply(loc, reply);
        if (reply.code === 'success') {
          subs.set(loc, requestId);
          rows.get(loc).button.className = 'on';
          rows.get(loc).button.textContent = 'Unsubscribe';
        }
      });
    };
    const unsubscribe = (loc) => {
      const requestId = subs.get(loc);
      send({ type: 'unsubscribe', requestId }, (reply) => {
        showReply(loc, reply);
        subs.delete(loc);
        rows.get(loc).button.className = '';
        rows.get(loc).button.textContent = 'Subscribe';
      });
    };
    for (const loc of LOCATIONS) {
      const button = el('button', { textContent: 'Subscribe' });
      const reply = el('span', { className: 'reply' });
      button.onclick = () => (subs.has(loc) ? unsubscribe(loc) : subscribe(loc));
      button.dataset.location = loc;
      rows.set(loc, { button, reply });
      rooms.append(el('span', { className: 'mono', textContent: JSON.stringify({ location: loc }) }), button, reply);
    }

    const connect = () => {
      ws = new WebSocket(wsBase + '?token=' + encodeURIComponent(user.token));
      let authorized = false;
      let pinger;
      ws.onmessage = (event) => {
        if (event.data === 'pong') return;
        const msg = JSON.parse(event.data);
        if ('is_authorized' in msg) {
          authorized = msg.is_authorized;
          allowed.textContent = authorized ? JSON.stringify(msg.allowed_rooms) : 'not authorized';
          state.textContent = authorized ? 'connected' : 'not authorized';
          state.className = 'state ' + (authorized ? 'open' : 'closed');
          retry = 500;
          // Subscriptions survive reconnects: send them again with their old requestIds.
          for (const [loc] of [...subs]) { subs.delete(loc); subscribe(loc); }
        } else if (msg.type === 'publish') {
          const loc = [...subs].find(([, id]) => id === msg.requestId)?.[0] ?? '?';
          note(JSON.stringify(msg.data) + '  ← ' + JSON.stringify({ location: loc }));
        } else {
          const onReply = pending.shift();
          if (onReply) onReply(msg);
        }
      };
      ws.onopen = () => { pinger = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send('ping'), 30000); };
      ws.onclose = (event) => {
        clearInterval(pinger);
        pending.length = 0;
        if (!authorized && event.code === 1000) return; // told not authorized: do not hammer the backend
        state.textContent = 'reconnecting';
        state.className = 'state closed';
        setTimeout(connect, retry);
        retry = Math.min(retry * 2, 10000);
      };
    };
    connect();
  }
  USERS.forEach(panel);

  const select = document.getElementById('location');
  for (const loc of LOCATIONS) select.append(el('option', { value: loc, textContent: JSON.stringify({ location: loc }) }));
  const text = document.getElementById('text');
  const body = () => JSON.stringify({ rooms: [{ location: select.value }], data: { text: text.value, at: new Date().toISOString() } });
  const curl = document.getElementById('curl');
  const showCurl = () => {
    const b = JSON.stringify({ rooms: [{ location: select.value }], data: { text: text.value } });
    curl.textContent = "curl -X POST " + location.origin + "/trigger/ -d '" + b.replace(/'/g, "'\\\\''") + "'";
  };
  select.onchange = showCurl;
  text.oninput = showCurl;
  showCurl();
  const triggerState = document.getElementById('trigger-state');
  document.getElementById('send').onclick = async () => {
    try {
      const res = await fetch('/trigger/', { method: 'POST', body: body() });
      triggerState.textContent = res.status + ' ' + (await res.text());
      triggerState.className = 'state ' + (res.ok ? 'open' : 'closed');
    } catch (err) {
      triggerState.textContent = 'failed: ' + err.message;
      triggerState.className = 'state closed';
    }
  };
})();
</script>
</body>
</html>
`;
