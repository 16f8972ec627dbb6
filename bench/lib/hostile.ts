/**
 * The hostile-input scenario (issue 13): the server's CPU per frame for the costliest frames found for each
 * dialect (test/helpers/hostile.ts), against a benign frame of the same size. Each kind of frame goes over a
 * connection of its own (the rate limit's burst is per connection), a few frames in flight at a time, every
 * frame answered by one reply; the server's CPU time over the frames, divided by their count, is the figure.
 */
import WebSocket from 'ws';
import { BINDING, ROHRPOST, TEMPLAR, type FrameKind } from '../../test/helpers/hostile.js';
import { cpuMs } from './proc.js';

/** One kind of frame measured. */
export interface HostileResult {
  readonly dialect: string;
  readonly frame: string;
  readonly bytes: number;
  /** The server's CPU time per frame, µs. */
  readonly cpuUs: number;
  /** `cpuUs` over the benign frame's. */
  readonly ratio: number;
  /** The first reply, cut to 120 characters: what the server made of the frame. */
  readonly reply: string;
}

/** The dialects, their paths and their frames. */
export const DIALECTS = [
  { dialect: 'templar', path: '/ws/', greeting: true, frames: TEMPLAR },
  { dialect: 'rohrpost', path: '/ws/rohrpost/', greeting: false, frames: ROHRPOST },
  { dialect: 'binding', path: '/ws/binding/', greeting: false, frames: BINDING },
] as const;

/** Frames sent per kind (within the rate limit's default burst of 2,000), after `WARM` unmeasured ones. */
const COUNT = 300;
const WARM = 30;
const IN_FLIGHT = 4;

/** Sends `count` copies of `frame` over a new connection, `IN_FLIGHT` at a time; the server's CPU ms over them. */
async function run(port: number, pid: number, path: string, greeting: boolean, frame: string, count: number): Promise<{ ms: number; reply: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { perMessageDeflate: false, maxPayload: 1 << 24 });
  const replies: string[] = [];
  let wake: (() => void) | undefined;
  let closed: string | undefined;
  ws.on('message', (data) => {
    replies.push(data.toString());
    wake?.();
  });
  ws.on('close', (code) => {
    closed = `closed ${code}`;
    wake?.();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const until = async (n: number): Promise<void> => {
    while (replies.length < n && closed === undefined) await new Promise<void>((r) => (wake = r));
  };
  const first = greeting ? 1 : 0;
  await until(first);
  const start = cpuMs(pid);
  let sent = 0;
  while (sent < count && closed === undefined) {
    await until(first + sent - IN_FLIGHT + 1);
    ws.send(frame);
    sent++;
  }
  await until(first + count);
  const ms = cpuMs(pid) - start;
  ws.close();
  if (closed !== undefined) throw new Error(`${path}: ${closed} after ${replies.length - first} replies to ${JSON.stringify(frame.slice(0, 80))}`);
  return { ms, reply: (replies[first] ?? '').slice(0, 120) };
}

/** Measures every dialect's frames of `size` bytes against the server `port` (process `pid`). */
export async function hostile(port: number, pid: number, size: number, say: (line: string) => void): Promise<HostileResult[]> {
  const out: HostileResult[] = [];
  for (const { dialect, path, greeting, frames } of DIALECTS) {
    const measure = async (kind: FrameKind): Promise<{ cpuUs: number; reply: string; bytes: number }> => {
      const frame = kind.frame(size);
      await run(port, pid, path, greeting, frame, WARM);
      const { ms, reply } = await run(port, pid, path, greeting, frame, COUNT);
      return { cpuUs: (ms * 1000) / COUNT, reply, bytes: Buffer.byteLength(frame) };
    };
    const benign = await measure(frames.benign);
    const row = (kind: FrameKind, m: { cpuUs: number; reply: string; bytes: number }): HostileResult => ({ dialect, frame: kind.name, bytes: m.bytes, cpuUs: m.cpuUs, ratio: m.cpuUs / benign.cpuUs, reply: m.reply });
    out.push(row(frames.benign, benign));
    say(`[hostile] ${dialect}: benign "${frames.benign.name}" ${benign.bytes} B: ${benign.cpuUs.toFixed(0)} µs CPU per frame`);
    for (const kind of frames.hostile) {
      const r = row(kind, await measure(kind));
      out.push(r);
      say(`[hostile] ${dialect}: "${kind.name}" ${r.bytes} B: ${r.cpuUs.toFixed(0)} µs per frame, ${r.ratio.toFixed(2)}x benign; reply ${r.reply}`);
    }
  }
  return out;
}

/** The results as a table: per dialect, each frame's CPU per frame and its ratio to the benign frame, worst marked. */
export function hostileTable(results: readonly HostileResult[]): string {
  const lines = ['hostile frames (server CPU per frame; ratio to the benign frame of the same size):'];
  for (const dialect of new Set(results.map((r) => r.dialect))) {
    const rows = results.filter((r) => r.dialect === dialect);
    const worst = Math.max(...rows.slice(1).map((r) => r.ratio));
    lines.push(`  ${dialect}`);
    for (const r of rows) {
      const mark = r === rows[0] ? ' (benign)' : r.ratio === worst ? ' (worst)' : '';
      lines.push(`    ${r.frame.padEnd(48)} ${r.cpuUs.toFixed(0).padStart(6)} µs  ${r.ratio.toFixed(2).padStart(5)}x${mark}`);
    }
  }
  return lines.join('\n');
}
