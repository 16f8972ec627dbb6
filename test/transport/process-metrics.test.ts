/**
 * The process metrics /metrics serves: read at scrape time, under the names prom-client's defaults used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { registerProcessMetrics } from '../../src/transport/process-metrics.js';

function value(text: string, name: string): number {
  const m = new RegExp(`^${name} ([0-9.e+-]+)$`, 'm').exec(text);
  assert.ok(m, `${name} is reported`);
  return Number(m[1]);
}

test('process metrics report CPU, memory, descriptors, the event loop and collections', async () => {
  const registry = new Registry();
  registerProcessMetrics(registry);
  const first = await registry.metrics();
  // Enough short-lived garbage for the young generation to be collected at least once.
  let keep = 0;
  for (let i = 0; i < 1_000_000; i++) keep += { i, s: `item ${i}` }.s.length;
  assert.ok(keep > 0);
  await new Promise((r) => setTimeout(r, 20));
  const text = await registry.metrics();

  assert.ok(value(text, 'roomcast_process_cpu_seconds_total') >= value(first, 'roomcast_process_cpu_seconds_total'));
  assert.ok(value(text, 'roomcast_process_cpu_seconds_total') > 0);
  assert.ok(value(text, 'roomcast_process_resident_memory_bytes') > 1024 * 1024);
  assert.ok(value(text, 'roomcast_nodejs_heap_size_used_bytes') > 0);
  assert.ok(value(text, 'roomcast_process_open_fds') > 2);
  const started = value(text, 'roomcast_process_start_time_seconds');
  assert.ok(Math.abs(started - (Date.now() / 1000 - process.uptime())) < 2);
  const lag = value(text, 'roomcast_nodejs_eventloop_lag_seconds');
  assert.ok(lag >= 0 && lag < 1, `one turn of the loop took ${lag} s`);
  assert.ok(value(text, 'roomcast_nodejs_eventloop_active_seconds_total') > 0);
  assert.match(text, /^roomcast_nodejs_gc_total\{kind="minor"\} [1-9]\d*$/m);
  assert.match(text, /^roomcast_nodejs_gc_seconds_total\{kind="minor"\} [0-9.e-]+$/m);
  assert.match(text, new RegExp(`^roomcast_nodejs_version_info\\{version="${process.version}",major="\\d+",minor="\\d+",patch="\\d+"\\} 1$`, 'm'));
  assert.match(text, /^# TYPE roomcast_process_cpu_seconds_total counter$/m);
});

test('two registries in one process both count the collections', async () => {
  const a = new Registry();
  const b = new Registry();
  registerProcessMetrics(a);
  registerProcessMetrics(b);
  let keep = 0;
  for (let i = 0; i < 1_000_000; i++) keep += [i, i].length;
  assert.ok(keep > 0);
  await new Promise((r) => setTimeout(r, 20));
  for (const r of [a, b]) assert.match(await r.metrics(), /^roomcast_nodejs_gc_total\{kind="minor"\} [1-9]\d*$/m);
});
