/**
 * The `<script>` bundle in headless Chromium (Debian's, driven by playwright-core) against a live server: the
 * page loads dist's IIFE build of the current source, subscribes over rohrpost and templar, and receives pushes.
 * It also shows the bundle needs no Node module and that `roomcast` is the global it defines.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { createAnonymousAuth } from '../../src/auth/anonymous.js';
import { start, skipUnlessRequired, type Running } from '../helpers/server.js';
// @ts-expect-error: a plain ESM script without types
import { bundleClient } from '../../scripts/bundle-client.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : skipUnlessRequired('chromium', `${CHROMIUM} is missing (apt-get install chromium)`);

let rc: Running;
let browser: Browser;
let page: Page;
const errors: string[] = [];

before(async () => {
  if (skip !== false) return;
  const bundle = (await bundleClient({ write: false })) as string;
  rc = await start({
    auth: createAnonymousAuth([{ type: 'collection', id: '*' }, { location: '*' }]),
    routes: async (app) => {
      app.get('/client.js', (_req, reply) => reply.type('text/javascript').send(bundle));
      app.get('/page', (_req, reply) => reply.type('text/html').send('<!doctype html><title>client</title><script src="/client.js"></script>'));
    },
  });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  page.on('pageerror', (err) => errors.push(err.message));
  await page.goto(`${rc.url}/page`);
});
after(async () => {
  await browser?.close();
  await rc?.close();
});

test('the bundle defines window.roomcast with both clients', { skip }, async () => {
  const names = await page.evaluate(() => Object.keys((window as unknown as { roomcast: object }).roomcast).sort());
  for (const name of ['RohrpostClient', 'TemplarClient', 'RequestError', 'CloseCode', 'backoffDelay']) assert.ok(names.includes(name), name);
});

test('rohrpost in the browser: subscribe, then receive a group push', { skip }, async () => {
  const group = await page.evaluate(async (port) => {
    const w = window as unknown as { roomcast: typeof import('../../src/client/index.js'); updates: unknown[] };
    w.updates = [];
    const client = new w.roomcast.RohrpostClient(`ws://127.0.0.1:${port}/ws/rohrpost/`);
    const sub = await client.subscribe({ type: 'collection', id: 7 }, (u) => w.updates.push(u.data));
    return sub.group;
  }, rc.port);
  assert.equal(group, 'collection-7');
  rc.server.sendToGroup('collection-7', 'subscription-update', { group: 'collection-7', type: 'update', object: { id: 7 } });
  await page.waitForFunction(() => (window as unknown as { updates: unknown[] }).updates.length > 0, undefined, { timeout: 5000 });
  assert.deepEqual(await page.evaluate(() => (window as unknown as { updates: unknown[] }).updates), [{ group: 'collection-7', type: 'update', object: { id: 7 } }]);
});

test('templar in the browser: subscribe to a room, then receive a publish', { skip }, async () => {
  await page.evaluate(async (port) => {
    const w = window as unknown as { roomcast: typeof import('../../src/client/index.js'); published: unknown[] };
    w.published = [];
    const client = new w.roomcast.TemplarClient(`ws://127.0.0.1:${port}/ws/`);
    await client.subscribe({ location: 'Delft' }, (data) => w.published.push(data));
  }, rc.port);
  rc.server.publish([{ location: 'Delft' }], { from: 'node' });
  await page.waitForFunction(() => (window as unknown as { published: unknown[] }).published.length > 0, undefined, { timeout: 5000 });
  assert.deepEqual(await page.evaluate(() => (window as unknown as { published: unknown[] }).published), [{ from: 'node' }]);
  assert.deepEqual(errors, []);
});
