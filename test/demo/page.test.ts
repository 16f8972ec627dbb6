/**
 * The demo page in headless Chromium as a person uses it, against `roomcast demo` as a real process (with a SQLite
 * file, so it can be stopped and started again): the order list is fetched again when a panel subscribes again or
 * reconnects, a panel that lost its socket counts its retry down and offers no writes, the layout holds at desktop
 * and phone widths, and the rohrpost and binding panels exchange frames with their dialects.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, skipBrowser } from '../helpers/browser.js';
import { listening, run, type Proc } from '../helpers/cli.js';

let dir: string;
let file: string;
let demo: Proc | undefined;
let url: string;
let browser: Browser | undefined;

async function startDemo(port = '0'): Promise<void> {
  demo = run(['demo', '--port', port, '--store', `sqlite:${file}`]);
  url = await listening(demo);
}
async function stopDemo(): Promise<void> {
  const p = demo;
  demo = undefined;
  if (p === undefined) return;
  p.child.kill('SIGTERM');
  await p.exit;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'roomcast-page-'));
  file = join(dir, 'demo.db');
  await startDemo();
  if (skipBrowser === false) browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await stopDemo();
  rmSync(dir, { recursive: true, force: true });
});

const panel = (user: string): string => `[data-user="${user}"]`;
const row = (user: string, location: string): string => `${panel(user)} .room-row[data-location="${location}"] button`;
const subscribed = (user: string, location: string): string => `${row(user, location)}[aria-pressed="true"]`;
const unsubscribed = (user: string, location: string): string => `${row(user, location)}[aria-pressed="false"]:not(:disabled)`;

async function post(token: string, body: unknown): Promise<{ id: number }> {
  const res = await fetch(`${url}/api/demo/order/?token=${token}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 201);
  return (await res.json()) as { id: number };
}

/** Opens the page in a fresh context, fails the test on any script error, and waits until every panel has its list. */
async function open(t: { after: (fn: () => Promise<void>) => void }, viewport = { width: 1360, height: 900 }, mobile = false): Promise<Page> {
  const context: BrowserContext = await browser!.newContext({ viewport, isMobile: mobile, hasTouch: mobile });
  const errors: string[] = [];
  t.after(async () => {
    await context.close();
    assert.deepEqual(errors, [], 'no script errors');
  });
  const page = await context.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${url}/`);
  await page.waitForSelector(subscribed('ceo', 'Delft'), { timeout: 10_000 });
  for (const user of ['delft', 'eindhoven', 'ceo']) await page.waitForSelector(`${panel(user)} .orders li[data-order-id]`);
  return page;
}

test('a panel that subscribes again fetches its list again: a change made while unsubscribed shows', { skip: skipBrowser }, async (t) => {
  const page = await open(t);
  await page.click(row('ceo', 'Delft'));
  await page.waitForSelector(unsubscribed('ceo', 'Delft'));
  const item = `While away ${Date.now()}`;
  await post('delft', { location: 'Delft', item, qty: 2 });
  await page.locator(`${panel('delft')} .orders li`, { hasText: item }).waitFor({ timeout: 5000 });
  assert.equal(await page.locator(`${panel('ceo')} .orders li`, { hasText: item }).count(), 0, 'unsubscribed: not live');

  await page.click(row('ceo', 'Delft'));
  await page.waitForSelector(subscribed('ceo', 'Delft'));
  await page.locator(`${panel('ceo')} .orders li`, { hasText: item }).waitFor({ timeout: 5000 });
  assert.match(await page.innerText(`${panel('ceo')} .orders-status`), /after subscribing to \{"location":"Delft"\}/);
});

test('desktop: "Add order" stays on the form\'s line in every panel, and a long status line moves nothing', { skip: skipBrowser }, async (t) => {
  const page = await open(t);
  const form = async (user: string): Promise<{ button: DOMRect; item: DOMRect; head: DOMRect; form: DOMRect }> =>
    page.$eval(panel(user), (card) => {
      // (no named helper in here: tsx would wrap it in a __name() the page does not have)
      const [button, item, head, form] = ['.order-form button', '.order-form input[name="item"]', '.orders-head', '.order-form'].map(
        (sel) => card.querySelector(sel)!.getBoundingClientRect().toJSON() as DOMRect,
      );
      return { button: button!, item: item!, head: head!, form: form! };
    });
  const before = new Map<string, number>();
  for (const user of ['delft', 'eindhoven', 'ceo']) {
    const f = await form(user);
    assert.ok(Math.abs(f.button.top - f.item.top) < 6 && f.button.height < 40, `${user}: "Add order" on the item's line, one line high (${JSON.stringify(f)})`);
    before.set(user, f.form.top - f.head.top);
  }
  // A publish makes the CEO's status line long ("… after publish {"ids":[…]} via {"location":"Utrecht"}").
  await post('ceo', { location: 'Utrecht', item: 'Long status', qty: 1 });
  await page.waitForFunction(() => /after publish/.test(document.querySelector('[data-user="ceo"] .orders-status')?.textContent ?? ''));
  const f = await form('ceo');
  assert.equal(f.form.top - f.head.top, before.get('ceo'), 'the form stays where it was');
  assert.equal(before.get('ceo'), before.get('delft'), 'the form sits as far below the heading in every panel');
  assert.match((await page.getAttribute(`${panel('ceo')} .orders-status`, 'title')) ?? '', /after publish \{"ids":\[\d+\]\} via \{"location":"Utrecht"\}/);
});

test('phone: the first screen shows the first panel\'s order form, and nothing is wider than the screen', { skip: skipBrowser }, async (t) => {
  const page = await open(t, { width: 390, height: 844 }, true);
  const box = await page.locator(`${panel('delft')} .order-form`).boundingBox();
  assert.ok(box !== null && box.y + box.height <= 844, `the Delft form ends within the first 844 px (${JSON.stringify(box)})`);
  const item = await page.locator(`${panel('delft')} .order-form input[name="item"]`).boundingBox();
  assert.ok(item !== null && item.width >= 140, `the item field is wide enough to type in (${JSON.stringify(item)})`);
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 390);
  // What the intro says is one tap away.
  assert.equal(await page.locator('.intro details p', { hasText: 'served over REST' }).isVisible(), false);
  await page.click('.intro summary');
  assert.equal(await page.locator('.intro details p', { hasText: 'served over REST' }).isVisible(), true);
});

test('while the server is away: writes are disabled, the retry counts down; back, the list is fetched again', { skip: skipBrowser }, async (t) => {
  const page = await open(t);
  const port = new URL(url).port;
  await stopDemo();
  await page.waitForFunction(() => /retry in/.test(document.querySelector('[data-user="ceo"] .pill')?.textContent ?? ''), null, { timeout: 5000 });
  for (const user of ['delft', 'eindhoven', 'ceo']) {
    assert.equal(await page.isDisabled(`${panel(user)} .order-form button[type="submit"]`), true, `${user}: Add order disabled`);
    assert.deepEqual([...new Set(await page.$$eval(`${panel(user)} .orders .o-del`, (bs) => bs.map((b) => (b as HTMLButtonElement).disabled)))], [true], `${user}: Delete disabled`);
  }
  // The third retry waits 3 to 5 s: long enough to see it count down.
  const seconds = (): Promise<number> =>
    page.$eval(`${panel('ceo')} .pill`, (pill) => Number(/retry in (\d+) s/.exec(pill.textContent ?? '')?.[1] ?? NaN));
  await page.waitForFunction(() => Number(/retry in (\d+) s/.exec(document.querySelector('[data-user="ceo"] .pill')?.textContent ?? '')?.[1] ?? 0) >= 3, null, { timeout: 10_000 });
  const first = await seconds();
  await page.waitForTimeout(1200);
  const later = await seconds();
  assert.ok(later < first && later >= 1, `counts down: ${first} s, then ${later} s`);

  // A change the page cannot hear about: written straight into the database while the server is down.
  const item = `Written offline ${Date.now()}`;
  const db = new Database(file);
  try {
    db.prepare('INSERT INTO demo_order (location, item, qty, created) VALUES (?, ?, ?, ?)').run('Delft', item, 4, new Date().toISOString());
  } finally {
    db.close();
  }
  await startDemo(port);
  await page.locator(`${panel('ceo')} .orders li`, { hasText: item }).waitFor({ timeout: 20_000 });
  await page.locator(`${panel('delft')} .orders li`, { hasText: item }).waitFor({ timeout: 5000 });
  await page.waitForSelector(`${panel('delft')} .order-form button[type="submit"]:not(:disabled)`);
  assert.equal(await page.isDisabled(`${panel('delft')} .orders .o-del >> nth=0`), false);
});

test('the rohrpost and binding panels speak their dialects: subscriptions, refusals, pushes of the orders each user may read', { skip: skipBrowser }, async (t) => {
  const page = await open(t);
  const dialect = (name: string): string => `[data-dialect="${name}"]`;
  const frame = (name: string, dir: 'in' | 'out', text: string | RegExp) => page.locator(`${dialect(name)} .frames li[data-dir="${dir}"]`, { hasText: text });
  // On open: rohrpost (as the Delft manager) joins its location's group, binding (as the CEO) the demo.Order stream.
  await frame('rohrpost', 'out', '{"type":"subscribe","id":1,"data":{"type":"location","id":"Delft"}}').waitFor({ timeout: 5000 });
  await frame('rohrpost', 'in', '{"id":1,"type":"subscribe","data":{"group":"location-Delft"}}').waitFor({ timeout: 5000 });
  await frame('binding', 'in', '{"event":"demo.Order.subscribe","data":{"subscribed":true}}').waitFor({ timeout: 5000 });

  // A REST write reaches both, as each dialect renders a change.
  const item = `Via REST ${Date.now()}`;
  const { id } = await post('delft', { location: 'Delft', item, qty: 5 });
  await frame('rohrpost', 'in', new RegExp(`"type":"subscription-update","data":\\{"group":"location-Delft","type":"create","object":\\{"id":${id},"location":"Delft","item":"${item}"`)).waitFor({ timeout: 5000 });
  await frame('binding', 'in', new RegExp(`\\{"event":"demo\\.Order\\.retrieve#${id}","data":\\{"id":${id},"location":"Delft","item":"${item}"`)).waitFor({ timeout: 5000 });

  // rohrpost: a location the user may not join is refused; ping answers.
  await page.selectOption(`${dialect('rohrpost')} select[name="location"]`, 'Eindhoven');
  await page.click(`${dialect('rohrpost')} button:text-is("Subscribe")`);
  await frame('rohrpost', 'in', '{"id":2,"type":"subscribe","error":"ACCESS_DENIED"}').waitFor({ timeout: 5000 });
  await page.click(`${dialect('rohrpost')} button:text-is("Ping")`);
  await frame('rohrpost', 'in', '{"id":3,"type":"pong"}').waitFor({ timeout: 5000 });

  // binding: the CEO creates an order at Utrecht; the CEO's templar panel lists it, the managers' never do.
  const made = `Via binding ${Date.now()}`;
  await page.selectOption(`${dialect('binding')} select[name="location"]`, 'Utrecht');
  await page.fill(`${dialect('binding')} input[name="item"]`, made);
  await page.click(`${dialect('binding')} button:text-is("Create")`);
  await frame('binding', 'in', new RegExp(`\\{"event":"demo\\.Order\\.create","data":\\{"id":\\d+,"location":"Utrecht","item":"${made}"`)).waitFor({ timeout: 5000 });
  await page.locator(`${panel('ceo')} .orders li`, { hasText: made }).waitFor({ timeout: 5000 });
  await page.click(`${dialect('binding')} button:text-is("List")`);
  await frame('binding', 'in', /^.*\{"event":"demo\.Order\.list","data":\{"page":1,"limit":3,"count":\d+,"order":"-id","rows":\[/).waitFor({ timeout: 5000 });

  // Connected as the Eindhoven manager, the binding stream carries Eindhoven's orders only.
  await page.selectOption(`${dialect('binding')} select[name="user"]`, 'eindhoven');
  await frame('binding', 'in', '{"event":"demo.Order.subscribe","data":{"subscribed":true}}').nth(1).waitFor({ timeout: 5000 });
  const hidden = await post('delft', { location: 'Delft', item: `Hidden ${Date.now()}`, qty: 1 });
  const shown = await post('eindhoven', { location: 'Eindhoven', item: `Shown ${Date.now()}`, qty: 1 });
  await frame('binding', 'in', `demo.Order.retrieve#${shown.id}`).waitFor({ timeout: 5000 });
  assert.equal(await frame('binding', 'in', `demo.Order.retrieve#${hidden.id}`).count(), 0);
  assert.equal(await page.locator(`${panel('eindhoven')} .orders li`, { hasText: made }).count(), 0);
});
