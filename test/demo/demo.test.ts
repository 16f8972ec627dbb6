/**
 * `roomcast demo` as a real process: its orders over REST with each user's `?token=`, the templar publish a write
 * sends to the order's location room, `--store`, and the page in headless Chromium (Debian's, driven by
 * playwright-core) — an order the Delft manager adds appears live in the CEO's panel and never in Eindhoven's.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { exited, listening, run, stop, type Proc } from '../helpers/cli.js';
import { connect } from '../helpers/client.js';
import { launchChromium, skipBrowser } from '../helpers/browser.js';
import { trigger } from '../helpers/server.js';


interface Order {
  id: number;
  location: string;
  item: string;
  qty: number;
  created: string;
}
interface OrderPage {
  count: number;
  rows: Order[];
}

let demo: Proc;
let url: string;

before(async () => {
  demo = run(['demo', '--port', '0']);
  url = await listening(demo);
});
after(async () => {
  if (demo !== undefined) await stop(demo);
});

const api = (path: string, token: string, init?: RequestInit): Promise<Response> => fetch(`${url}/api/demo/order/${path}?token=${token}`, init);
const post = (token: string, body: unknown): Promise<Response> =>
  api('', token, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
async function list(token: string): Promise<OrderPage> {
  const res = await fetch(`${url}/api/demo/order/?token=${token}&order=-id`);
  assert.equal(res.status, 200);
  return (await res.json()) as OrderPage;
}

test('REST: seeded orders, each user sees and writes only the locations its rooms allow', async () => {
  const all = await list('ceo');
  assert.ok(all.count >= 5, 'seeded');
  assert.deepEqual(new Set(all.rows.map((o) => o.location)), new Set(['Delft', 'Eindhoven', 'Utrecht']));
  assert.deepEqual(new Set((await list('delft')).rows.map((o) => o.location)), new Set(['Delft']));
  assert.deepEqual(new Set((await list('eindhoven')).rows.map((o) => o.location)), new Set(['Eindhoven']));
  assert.equal((await api('', 'nobody')).status, 401);

  assert.equal((await post('eindhoven', { location: 'Delft', item: 'x', qty: 1 })).status, 403);
  const invalid = await post('delft', { location: 'Delft', item: '', qty: 0 });
  assert.equal(invalid.status, 400);
  assert.deepEqual(((await invalid.json()) as { details: string[] }).details, ['item: must be 1 to 100 characters', 'qty: must be a whole number from 1 to 1000']);
  const created = await post('delft', { location: 'Delft', item: 'Tulips', qty: 3 });
  assert.equal(created.status, 201);
  const order = (await created.json()) as Order;
  assert.equal((await api(`${order.id}/`, 'eindhoven')).status, 404, 'Eindhoven cannot read it');
  assert.equal((await api(`${order.id}/`, 'eindhoven', { method: 'DELETE' })).status, 404);
  assert.equal((await api(`${order.id}/`, 'ceo', { method: 'DELETE' })).status, 200);
});

test('a write publishes {"ids":[id]} to the order location room, to readers only; triggers still work', async () => {
  const ws = `${url.replace('http', 'ws')}/ws/`;
  const [ceo, delft, eindhoven] = await Promise.all(['ceo', 'delft', 'eindhoven'].map((t) => connect(`${ws}?token=${t}`)));
  try {
    assert.deepEqual(await ceo!.next(), { is_authorized: true, allowed_rooms: [{ location: '*' }] });
    assert.deepEqual(await delft!.next(), { is_authorized: true, allowed_rooms: [{ location: 'Delft' }] });
    assert.deepEqual(await eindhoven!.next(), { is_authorized: true, allowed_rooms: [{ location: 'Eindhoven' }] });
    assert.deepEqual(await ceo!.ask({ type: 'subscribe', room: { location: 'Delft' }, requestId: 'c' }), { code: 'success' });
    assert.deepEqual(await delft!.ask({ type: 'subscribe', room: { location: 'Delft' }, requestId: 'd' }), { code: 'success' });
    assert.deepEqual(await eindhoven!.ask({ type: 'subscribe', room: { location: 'Eindhoven' }, requestId: 'e' }), { code: 'success' });

    const order = (await (await post('delft', { location: 'Delft', item: 'Cheese', qty: 2 })).json()) as Order;
    assert.deepEqual(await ceo!.next(), { type: 'publish', data: { ids: [order.id] }, requestId: 'c' });
    assert.deepEqual(await delft!.next(), { type: 'publish', data: { ids: [order.id] }, requestId: 'd' });
    await eindhoven!.silence(200);

    assert.equal((await trigger(url, { rooms: [{ location: 'Delft' }], data: { text: 'hi' } })).status, 200);
    assert.deepEqual(await ceo!.next(), { type: 'publish', data: { text: 'hi' }, requestId: 'c' });
    assert.equal((await api(`${order.id}/`, 'delft', { method: 'DELETE' })).status, 200);
    assert.deepEqual(await delft!.next(), { type: 'publish', data: { text: 'hi' }, requestId: 'd' });
    assert.deepEqual(await delft!.next(), { type: 'publish', data: { ids: [order.id] }, requestId: 'd' });
  } finally {
    await Promise.all([ceo, delft, eindhoven].map((c) => c?.close()));
  }
});

test('rohrpost: each user subscribes to the location groups its rooms allow and gets the orders it may read', async () => {
  const ws = `${url.replace('http', 'ws')}/ws/rohrpost/`;
  const [delft, ceo] = await Promise.all(['delft', 'ceo'].map((t) => connect(`${ws}?token=${t}`)));
  try {
    assert.deepEqual(await delft!.ask({ type: 'subscribe', id: 1, data: { type: 'location', id: 'Delft' } }), { id: 1, type: 'subscribe', data: { group: 'location-Delft' } });
    assert.deepEqual(await delft!.ask({ type: 'subscribe', id: 2, data: { type: 'location', id: 'Eindhoven' } }), { id: 2, type: 'subscribe', error: 'ACCESS_DENIED' });
    assert.deepEqual(await delft!.ask({ type: 'subscribe', id: 3, data: { type: 'order', id: 1 } }), { id: 3, type: 'subscribe', error: 'ACCESS_DENIED' });
    for (const [id, location] of [[1, 'Delft'], [2, 'Eindhoven']] as const) {
      assert.deepEqual(await ceo!.ask({ type: 'subscribe', id, data: { type: 'location', id: location } }), { id, type: 'subscribe', data: { group: `location-${location}` } });
    }

    const order = (await (await post('eindhoven', { location: 'Eindhoven', item: 'Resistors', qty: 100 })).json()) as Order;
    const update = (await ceo!.next()) as { type: string; data: { group: string; type: string; object: Order } };
    assert.equal(update.type, 'subscription-update');
    assert.deepEqual(update.data, { group: 'location-Eindhoven', type: 'create', object: order });
    await delft!.silence(200);
    assert.equal((await api(`${order.id}/`, 'ceo', { method: 'DELETE' })).status, 200);
    assert.deepEqual(((await ceo!.next()) as { data: unknown }).data, { group: 'location-Eindhoven', type: 'delete', object: order });
    assert.deepEqual(await delft!.ask({ type: 'unsubscribe', id: 4, data: { type: 'location', id: 'Delft' } }), { id: 4, type: 'unsubscribe' });
    await post('delft', { location: 'Delft', item: 'Unseen', qty: 1 });
    assert.equal(((await ceo!.next()) as { data: { object: Order } }).data.object.item, 'Unseen');
    await delft!.silence(200);
  } finally {
    await Promise.all([delft, ceo].map((c) => c?.close()));
  }
});

test('binding: a user lists, subscribes to and writes demo.Order within its locations', async () => {
  const eindhoven = await connect(`${url.replace('http', 'ws')}/ws/binding/?token=eindhoven`);
  try {
    const listed = (await eindhoven.ask({ event: 'demo.Order.list', data: { order: '-id' } })) as { data: OrderPage };
    assert.deepEqual(new Set(listed.data.rows.map((o) => o.location)), new Set(['Eindhoven']));
    assert.deepEqual(await eindhoven.ask({ event: 'demo.Order.subscribe' }), { event: 'demo.Order.subscribe', data: { subscribed: true } });
    const refused = (await eindhoven.ask({ event: 'demo.Order.create', data: { location: 'Delft', item: 'x', qty: 1 } })) as { code: string };
    assert.equal(refused.code, 'forbidden');
    await post('delft', { location: 'Delft', item: 'Not for Eindhoven', qty: 1 });
    // Its own write is pushed (just before the reply, docs/protocols/binding.md); the Delft one never is.
    const pushed = (await eindhoven.ask({ event: 'demo.Order.create#mine', data: { location: 'Eindhoven', item: 'Fuses', qty: 3 } })) as { event: string; data: Order };
    const made = (await eindhoven.next()) as { event: string; data: Order };
    assert.equal(made.event, 'demo.Order.create#mine');
    assert.deepEqual(pushed, { event: `demo.Order.retrieve#${made.data.id}`, data: made.data });
    assert.equal((await list('ceo')).rows.some((o) => o.item === 'Fuses'), true);
  } finally {
    await eindhoven.close();
  }
});

test('--store keeps the orders in that SQLite file, seeded only when empty', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-demo-'));
  const store = `sqlite:${join(dir, 'demo.db')}`;
  try {
    for (const expected of [5, 6]) {
      const p = run(['demo', '--port', '0', '--store', store]);
      try {
        const base = await listening(p);
        const res = await fetch(`${base}/api/demo/order/?token=ceo`);
        assert.equal(((await res.json()) as OrderPage).count, expected);
        if (expected === 5) {
          const made = await fetch(`${base}/api/demo/order/?token=ceo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"location":"Utrecht","item":"Maps","qty":1}' });
          assert.equal(made.status, 201);
        }
        assert.equal(await stop(p), 0);
      } finally {
        await stop(p, 'SIGKILL');
      }
    }
    assert.ok(existsSync(join(dir, 'demo.db')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const bad = run(['demo', '--port', '0', '--store', 'mysql://nope']);
  assert.equal(await exited(bad), 2);
  assert.match(bad.err(), /--store mysql:\/\/nope: unsupported store URL/);
});

test('in Chromium: the Delft manager adds an order, the CEO sees it live, Eindhoven never does', { skip: skipBrowser }, async () => {
  const browser: Browser = await launchChromium();
  const errors: string[] = [];
  try {
    const page: Page = await browser.newPage();
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${url}/`);
    const panel = (user: string): string => `[data-user="${user}"]`;
    const subscribed = (user: string, location: string): string => `${panel(user)} .room-row[data-location="${location}"] button[aria-pressed="true"]`;
    // On connect each panel joins its own locations' rooms and loads the orders it may read.
    await page.waitForSelector(subscribed('ceo', 'Delft'), { timeout: 10_000 });
    await page.waitForSelector(subscribed('ceo', 'Utrecht'));
    await page.waitForSelector(subscribed('delft', 'Delft'));
    await page.waitForSelector(subscribed('eindhoven', 'Eindhoven'));
    for (const user of ['delft', 'eindhoven', 'ceo']) await page.waitForSelector(`${panel(user)} .orders li[data-order-id]`);
    assert.deepEqual(await page.$$eval(`${panel('eindhoven')} .orders li[data-order-id]`, (lis) => [...new Set(lis.map((li) => li.getAttribute('data-location')))]), ['Eindhoven']);
    assert.deepEqual(await page.$$eval(`${panel('delft')} .order-form select option`, (os) => os.map((o) => o.textContent)), ['Delft']);
    assert.deepEqual(await page.$$eval(`${panel('ceo')} .order-form select option`, (os) => os.map((o) => o.textContent)), ['Delft', 'Eindhoven', 'Utrecht']);

    const item = `Delftware ${Date.now()}`;
    await page.fill(`${panel('delft')} .order-form input[name="item"]`, item);
    await page.fill(`${panel('delft')} .order-form input[name="qty"]`, '7');
    await page.click(`${panel('delft')} .order-form button[type="submit"]`);
    const ceoRow = page.locator(`${panel('ceo')} .orders li`, { hasText: item });
    await ceoRow.waitFor({ timeout: 5000 });
    assert.match(await ceoRow.innerText(), /× 7[\s\S]*Delft/);
    assert.match(await page.innerText(`${panel('ceo')} .orders-status`), /after publish \{"ids":\[\d+\]\} via \{"location":"Delft"\}/);
    await page.locator(`${panel('delft')} .orders li`, { hasText: item }).waitFor();
    // Eindhoven's socket gets no publish and its list, fetched again, still lacks the order.
    await page.waitForTimeout(300);
    assert.equal(await page.locator(`${panel('eindhoven')} .orders li`, { hasText: item }).count(), 0);
    assert.equal((await list('eindhoven')).rows.some((o) => o.item === item), false);

    // The CEO deletes it; the Delft manager's panel drops it live.
    await ceoRow.locator('button.o-del').click();
    await page.locator(`${panel('delft')} .orders li`, { hasText: item }).waitFor({ state: 'detached', timeout: 5000 });
    assert.match(await page.innerText(`${panel('delft')} .orders-status`), /after publish/);

    // An order at another location is refused by the REST API and the refusal is shown.
    await page.evaluate(() => {
      const select = document.querySelector('[data-user="delft"] .order-form select') as HTMLSelectElement;
      select.append(new Option('Eindhoven', 'Eindhoven'));
      select.value = 'Eindhoven';
    });
    await page.fill(`${panel('delft')} .order-form input[name="item"]`, 'smuggled');
    await page.click(`${panel('delft')} .order-form button[type="submit"]`);
    await page.waitForFunction(() => /403/.test(document.querySelector('[data-user="delft"] .order-reply')?.textContent ?? ''));

    // The trigger form still reaches subscribers of the room.
    await page.selectOption('#t-location', 'Delft');
    await page.fill('#t-message', 'from the test');
    await page.click('#t-send');
    await page.locator(`${panel('ceo')} .log li`, { hasText: 'from the test' }).waitFor({ timeout: 5000 });
    await page.locator(`${panel('delft')} .log li`, { hasText: 'from the test' }).waitFor();
    assert.equal(await page.locator(`${panel('eindhoven')} .log li`, { hasText: 'from the test' }).count(), 0);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
