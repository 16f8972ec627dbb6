/**
 * The demo page served at `/` by `roomcast demo`: branch managers and a CEO in location rooms, live. Three users connect with their
 * own token, see the rooms their (stub) backend allows, subscribe, watch triggers arrive, and list, add and delete
 * the `demo.Order` objects they may see, which change live as the others write; a rohrpost and a binding panel
 * show the same changes in those dialects, frame by frame. Plain HTML and script, no build step; every value from
 * the network is inserted as text, never as markup. The stylesheet is in page-style.ts, the scripts in
 * page-orders.ts, page-script.ts, page-dialects.ts and page-trigger.ts (one function scope, in that order).
 *
 * @module
 */
import { DIALECTS_SCRIPT } from './page-dialects.js';
import { ORDERS_SCRIPT } from './page-orders.js';
import { PANEL_SCRIPT } from './page-script.js';
import { DEMO_STYLE } from './page-style.js';
import { TRIGGER_SCRIPT } from './page-trigger.js';

/** The page's HTML. */
export const DEMO_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>roomcast demo: rooms, bootstrap, triggers and models</title>
<style>${DEMO_STYLE}</style>
<body>
<div class="page">
  <section class="intro">
    <h1>roomcast <span>demo</span></h1>
    <p class="lead">Three users of one backend, each with their own token and WebSockets: the rooms they may join,
    and triggers and order changes arriving live, in each of roomcast's dialects.</p>
    <p class="try">Try it: add an order as the Delft manager and watch it appear in the CEO's panel, never in
    Eindhoven's. Unsubscribe the CEO from Delft and that panel stops updating live; subscribe again and it catches
    up.</p>
    <details class="more" id="intro-more">
      <summary>How it works</summary>
      <p>Each user panel is one user with its own WebSocket to <code>/ws/?token=…</code> (the templar dialect). Before
      accepting a connection, roomcast asks the backend's <code>/api/bootstrap/</code> who the user is and which rooms
      they may join (here a stub backend built into the demo), greets the client with those
      <code>allowed_rooms</code>, and refuses any subscribe outside them. When the backend posts a trigger to
      <code>/trigger/</code>, roomcast fans the data out to every current subscriber of the rooms it names.</p>
      <p>The orders are a roomcast model, <code>demo.Order</code>, kept in SQLite and served over REST at
      <code>/api/demo/order/</code> with the same <code>?token=</code>, so with the same identity: each panel lists
      only the orders its user may read (a manager their own location's, the CEO every location's) and may add or
      delete only there. On connect each panel joins the rooms of its own locations. After a write commits, roomcast
      publishes <code>{"ids":[id]}</code> to the order's room <code>{"location":…}</code>, and every subscriber
      allowed to read that order fetches its list again. Nothing is published to a room nobody subscribes to, so a
      panel also fetches its list again after subscribing and after reconnecting.</p>
      <p>The same change reaches the other dialects: the rohrpost panel's group <code>location-…</code> gets a
      <code>subscription-update</code> with the order, and the binding panel's <code>demo.Order</code> stream gets a
      <code>demo.Order.retrieve#id</code>, again only for users who may read it.</p>
    </details>
  </section>
  <noscript>This page needs JavaScript to open its WebSockets.</noscript>

  <section class="users" id="users" aria-label="Users"></section>

  <section class="dialects" id="dialects" aria-label="The other dialects"></section>

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
${ORDERS_SCRIPT}
  // The explanation is open on a wide screen; on a phone it waits behind its summary, so the panels come first.
  if (window.matchMedia('(min-width: 700px)').matches) document.getElementById('intro-more').open = true;
${PANEL_SCRIPT}
${DIALECTS_SCRIPT}
${TRIGGER_SCRIPT}})();
</script>
</body>
</html>
`;
