/**
 * The hostile-input scenario (issue 13): the server's CPU per frame for the costliest frames found for each
 * dialect (test/helpers/hostile.ts), against two benign frames of the same size: one long string (the cheapest frame
 * there is) and records of ten fields (what a large client frame looks like). The target is at most
 * {@link TARGET}x the benign frame's CPU, and time linear in the size: each hostile frame is also measured at an
 * eighth of the size, and 8x the size must cost well under 64x the time ({@link LINEAR}). Each kind of frame goes
 * over a connection of its own (the rate limit's burst is per connection), a few frames in flight at a time, every
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
  /** `cpuUs` over the long-string benign frame's. */
  readonly ratio: number;
  /** `cpuUs` over the structured benign frame's (records of ten fields). */
  readonly ratioStructured: number;
  /** For hostile frames: `cpuUs` over the same kind's at an eighth of the size (8 when linear, 64 when quadratic). */
  readonly growth?: number;
  /** For hostile frames: whether `ratio` is within {@link TARGET} and `growth` within {@link LINEAR}. */
  readonly meetsTarget?: boolean;
  /** Likewise against the structured benign frame. */
  readonly meetsTargetStructured?: boolean;
  /** The first reply, cut to 120 characters: what the server made of the frame. */
  readonly reply: string;
}

/** The dialects, their paths and their frames. */
export const DIALECTS = [
  { dialect: 'templar', path: '/ws/', greeting: true, frames: TEMPLAR },
  { dialect: 'rohrpost', path: '/ws/rohrpost/', greeting: false, frames: ROHRPOST },
  { dialect: 'binding', path: '/ws/binding/', greeting: false, frames: BINDING },
] as const;

/** The target: a hostile frame costs at most 3x the CPU of a benign frame of the same size. */
export const TARGET = 3;
/** Linear in the size: 8x the size costs at most this many times the CPU (quadratic: 64x). */
export const LINEAR = 16;

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
    const measure = async (kind: FrameKind, bytes = size): Promise<{ cpuUs: number; reply: string; bytes: number }> => {
      const frame = kind.frame(bytes);
      await run(port, pid, path, greeting, frame, WARM);
      const { ms, reply } = await run(port, pid, path, greeting, frame, COUNT);
      return { cpuUs: (ms * 1000) / COUNT, reply, bytes: Buffer.byteLength(frame) };
    };
    const benign = await measure(frames.benign);
    const structured = await measure(frames.structured);
    const row = (kind: FrameKind, m: { cpuUs: number; reply: string; bytes: number }): HostileResult => ({
      dialect,
      frame: kind.name,
      bytes: m.bytes,
      cpuUs: m.cpuUs,
      ratio: m.cpuUs / benign.cpuUs,
      ratioStructured: m.cpuUs / structured.cpuUs,
      reply: m.reply,
    });
    out.push(row(frames.benign, benign), row(frames.structured, structured));
    say(`[hostile] ${dialect}: benign "${frames.benign.name}" ${benign.bytes} B: ${benign.cpuUs.toFixed(0)} µs CPU per frame`);
    say(`[hostile] ${dialect}: benign "${frames.structured.name}" ${structured.bytes} B: ${structured.cpuUs.toFixed(0)} µs CPU per frame`);
    for (const kind of frames.hostile) {
      const m = await measure(kind);
      const small = await measure(kind, Math.round(size / 8));
      const growth = m.cpuUs / small.cpuUs;
      const r = row(kind, m);
      const linear = growth <= LINEAR;
      const result = { ...r, growth, meetsTarget: r.ratio <= TARGET && linear, meetsTargetStructured: r.ratioStructured <= TARGET && linear };
      out.push(result);
      say(
        `[hostile] ${dialect}: "${kind.name}" ${r.bytes} B: ${r.cpuUs.toFixed(0)} µs per frame, ${r.ratio.toFixed(2)}x the long string, ` +
          `${r.ratioStructured.toFixed(2)}x the records, 8x the size ${growth.toFixed(1)}x the CPU; reply ${r.reply}`,
      );
    }
  }
  return out;
}

/** A hostile row's verdict: whether it meets the target against the long string and against the records. */
function verdict(r: HostileResult): string {
  if (r.growth === undefined) return '(benign)';
  const against = (meets: boolean | undefined): string => (meets === true ? 'meets' : 'OVER');
  return `${against(r.meetsTarget)} / ${against(r.meetsTargetStructured)}${r.growth > LINEAR ? ' (not linear)' : ''}`;
}

/**
 * The results as a table: per dialect, each frame's CPU per frame, its ratios to both benign frames, how its CPU grows
 * with 8x the size, and whether it meets the target ({@link TARGET}x and linear) against each benign frame.
 */
export function hostileTable(results: readonly HostileResult[]): string {
  const lines = [
    `hostile frames (server CPU per frame; ratio to the benign frames of the same size, one long string / records of ten fields; target <= ${TARGET}x and 8x the size <= ${LINEAR}x the CPU):`,
  ];
  for (const dialect of new Set(results.map((r) => r.dialect))) {
    const rows = results.filter((r) => r.dialect === dialect);
    const hostileRows = rows.filter((r) => r.growth !== undefined);
    const meets = hostileRows.filter((r) => r.meetsTarget === true).length;
    const meetsStructured = hostileRows.filter((r) => r.meetsTargetStructured === true).length;
    lines.push(`  ${dialect}: ${meets} of ${hostileRows.length} frames meet the target against the long string, ${meetsStructured} against the records`);
    lines.push(`    ${'frame'.padEnd(48)} ${'CPU'.padStart(9)}  ${'string'.padStart(6)}  ${'records'.padStart(7)}  ${'8x size'.padStart(7)}  target (string / records)`);
    for (const r of rows) {
      const growth = r.growth === undefined ? '' : `${r.growth.toFixed(1)}x`;
      lines.push(
        `    ${r.frame.padEnd(48)} ${r.cpuUs.toFixed(0).padStart(6)} µs  ${r.ratio.toFixed(2).padStart(5)}x  ${r.ratioStructured.toFixed(2).padStart(6)}x  ${growth.padStart(7)}  ${verdict(r)}`,
      );
    }
  }
  return lines.join('\n');
}
