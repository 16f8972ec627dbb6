/**
 * The demo page's stylesheet (see page.ts): cards per user, their subscriptions, orders and publish log, the
 * rohrpost and binding panels with their frame logs, and the trigger form. Plain CSS, no build step. The order form
 * lays itself out by the width of its card (a container query), not the window's, so it never wraps half-way.
 *
 * @module
 */
export const DEMO_STYLE = `
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
  .intro details { max-width: 78ch; }
  .intro summary { cursor: pointer; color: var(--accent); font-size: 14px; margin: 2px 0 6px; }
  .users { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; margin: 18px 0 16px; }
  .dialects { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; margin: 0 0 16px; }
  @media (max-width: 980px) { .users, .dialects { grid-template-columns: 1fr; } }
  @media (max-width: 600px) {
    .page { padding: 14px 12px 28px; }
    .intro h1 { font-size: 21px; }
    .intro p { font-size: 14px; }
    .users { margin-top: 12px; }
    .card { padding: 12px 14px; }
    .label { margin-top: 10px; }
    .room-row .room { font-size: 12px; }
    .btn { min-width: 96px; }
  }
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
  .orders-head { display: flex; justify-content: space-between; align-items: baseline; gap: 8px; }
  .orders-head .label { flex: none; }
  /* One line whatever it says (the whole text is its tooltip), so it never pushes the form down. */
  .orders-status { flex: 1 1 0; min-width: 0; font-size: 12px; color: var(--muted); text-align: right;
    white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .orders-box { container-type: inline-size; }
  .order-form { display: grid; grid-template-columns: auto minmax(0, 1fr) 64px auto; gap: 6px; align-items: center; }
  .order-form select, .order-form input { font-size: 13px; padding: 4px 7px; min-width: 0; }
  .order-form .btn { min-width: 0; white-space: nowrap; }
  /* Too narrow for one row with a usable item field: the item gets a row of its own. */
  @container (max-width: 360px) {
    .order-form { grid-template-columns: minmax(0, 1fr) 64px auto; }
    .order-form input[type=text] { grid-column: 1 / -1; grid-row: 1; }
  }
  .order-reply { display: block; font-size: 12px; margin-top: 4px; min-height: 18px; overflow-wrap: anywhere; }
  .order-reply.ok { color: var(--ok); } .order-reply.err { color: var(--err); } .order-reply.wait { color: var(--muted); }
  .orders { list-style: none; margin: 4px 0 0; padding: 0; max-height: 230px; overflow: auto; border: 1px solid var(--line);
    border-radius: 8px; background: #fbfcfe; }
  .orders li { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 0 8px; align-items: center;
    padding: 6px 10px; border-bottom: 1px solid var(--line); }
  .orders li.empty { display: block; color: var(--muted); font-size: 13px; border: 0; }
  .orders li.fresh { animation: flash 1.6s ease-out; }
  .orders .o-item { overflow-wrap: anywhere; }
  .orders .o-item b { font-weight: 600; }
  .orders .o-meta { grid-column: 1; font-size: 12px; color: var(--muted); }
  .orders .o-del { grid-column: 2; grid-row: 1 / span 2; min-width: 0; padding: 2px 10px; font-size: 12px; }
  .dialect-user { display: flex; gap: 10px; align-items: flex-end; margin-top: 10px; }
  .dialect-user .btn { min-width: 0; }
  .dialect-controls { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
  .dialect-controls .btn { min-width: 0; }
  .dialect-controls .break { flex-basis: 100%; height: 0; }
  .dialect-controls select, .dialect-controls input { font-size: 13px; padding: 4px 7px; }
  .dialect-controls input[type=text] { flex: 1 1 120px; }
  .frames { list-style: none; margin: 0; padding: 0; height: 220px; overflow: auto; border: 1px solid var(--line);
    border-radius: 8px; background: #fbfcfe; }
  .frames li { display: grid; grid-template-columns: auto auto minmax(0, 1fr); gap: 0 8px; align-items: baseline;
    padding: 4px 10px; border-bottom: 1px solid var(--line); font-size: 12px; }
  .frames .t { color: var(--muted); font-size: 11px; }
  .frames .dir { font-weight: 700; }
  .frames li.out .dir { color: var(--accent); } .frames li.in .dir { color: var(--ok); }
  .frames .frame { overflow-wrap: anywhere; font-size: 12px; }
  .frames li.info .frame { color: var(--muted); font-family: inherit; font-style: italic; }
  .frames li.fresh { animation: flash 1.2s ease-out; }
  @media (max-width: 600px) { .frames li { grid-template-columns: auto minmax(0, 1fr); } .frames .t { grid-column: 1 / -1; } }
  .trigger-form { display: flex; flex-wrap: wrap; gap: 10px 12px; align-items: flex-end; }
  .field { display: flex; flex-direction: column; gap: 4px; font-size: 12px; font-weight: 600; color: var(--muted); }
  .field.grow { flex: 1 1 280px; }
  select, input[type=text], input[type=number] { font: inherit; font-size: 14px; color: var(--ink); padding: 6px 9px; border: 1px solid #c3cad6;
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
`;
