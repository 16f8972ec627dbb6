/**
 * A load-generator process: raw TCP WebSocket clients on loopback that count frames and, when asked, time them.
 * Driven over IPC by bench/main.ts. Speaks just enough of each peer's protocol to join the benchmark room.
 */
import { connect, type Socket } from 'node:net';
import { FrameReader, clientFrame, upgradeRequest } from './lib/frames.js';
import { now } from './lib/clock.js';
import { recordPauses } from './lib/pauses.js';

recordPauses('loadgen');

export type PeerKind = 'roomcast' | 'bare-ws' | 'socket.io';

export type Command =
  | { op: 'connect'; kind: PeerKind; port: number; count: number; concurrency: number; rooms: number; localAddress?: string }
  | { op: 'reset'; latency: boolean; progressMs?: number }
  | { op: 'stats' }
  | { op: 'close' };

export type Reply =
  | { op: 'connected'; ok: number; failed: number; ms: number; error?: string }
  | { op: 'stats'; received: number; byPort: Record<number, Timings>; open: number }
  | { op: 'reset' }
  | { op: 'progress'; received: number }
  | { op: 'closed' };

/**
 * Publish→receive times (ms) of one peer's frames, the publish (`"seq":`) each belongs to (NaN for model changes),
 * and when that publish was sent (benchmark clock).
 */
export interface Timings {
  readonly latencies: number[];
  readonly seqs: number[];
  readonly sent: number[];
}

/** Samples kept per peer. */
const MAX_SAMPLES = 500_000;

/**
 * The samples of one peer (by port), in arrays allocated when its clients connect and reused: allocating megabytes
 * when the first sample arrives made this process collect garbage, and every peer's first samples late.
 */
class Samples {
  readonly latencies = new Float64Array(MAX_SAMPLES);
  readonly seqs = new Float64Array(MAX_SAMPLES);
  readonly sent = new Float64Array(MAX_SAMPLES);
  count = 0;

  add(latency: number, seq: number, sent: number): void {
    if (this.count === MAX_SAMPLES) return;
    this.latencies[this.count] = latency;
    this.sent[this.count] = sent;
    this.seqs[this.count++] = seq;
  }

  timings(): Timings {
    const n = this.count;
    return { latencies: Array.from(this.latencies.subarray(0, n)), seqs: Array.from(this.seqs.subarray(0, n)), sent: Array.from(this.sent.subarray(0, n)) };
  }
}

let received = 0;
let timing = false;
let progress: NodeJS.Timeout | undefined;
const samples = new Map<number, Samples>();
const sockets = new Set<Socket>();

/**
 * The publish timestamp in a payload: `"t":<ms>` (publishes), or a model change's `"ids":[<µs>]` (the models
 * benchmark keys each object by its write's start time); NaN when there is none.
 */
function stamp(payload: Buffer): number {
  const t = number(payload, '"t":');
  return Number.isNaN(t) ? number(payload, '"ids":[') / 1000 : t;
}

/** The number after `key` in a payload, or NaN. */
function number(payload: Buffer, key: string): number {
  const i = payload.indexOf(key);
  if (i === -1) return NaN;
  const start = i + key.length;
  let j = start;
  while (j < payload.length && payload[j] !== 0x2c && payload[j] !== 0x7d && payload[j] !== 0x5d) j++;
  return Number(payload.toString('latin1', start, j));
}

function onPublish(port: number, payload: Buffer): void {
  received++;
  if (!timing) return;
  const t = stamp(payload);
  if (Number.isNaN(t)) return;
  samples.get(port)?.add(now() - t, number(payload, '"seq":'), t);
}

const READ_BUFFER = Buffer.alloc(64 * 1024);

const ROOMS = (n: number): string[] => Array.from({ length: n }, (_, i) => (i === 0 ? 'bench' : `extra-${i}`));

/** Opens one client; resolves when it has joined its rooms. */
function open(kind: PeerKind, port: number, rooms: number, localAddress?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    // Every socket reads into one buffer (the reader copies what it keeps): no Buffer per read, so the generator's
    // own garbage collections, which delay every peer's samples, come less often.
    const sock = connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}), onread: { buffer: READ_BUFFER, callback: (n: number) => (reader.push(READ_BUFFER.subarray(0, n)), true) } });
    sock.setNoDelay(true);
    let joined = false;
    let pending = rooms;
    const done = (err?: Error): void => {
      if (joined) return;
      joined = true;
      if (err) {
        sock.destroy();
        reject(err);
      } else resolve();
    };
    const send = (text: string): void => void sock.write(clientFrame(text));
    const reader = new FrameReader(
      (status) => {
        if (status !== 101) return done(new Error(`upgrade answered ${status}`));
        if (kind === 'bare-ws') done();
      },
      (opcode, payload) => {
        if (opcode === 0x8) return void sock.end();
        if (opcode !== 0x1) return;
        if (joined) {
          if (kind === 'socket.io' && payload.length === 1 && payload[0] === 0x32) return send('3'); // ping → pong
          return onPublish(port, payload);
        }
        const text = payload.toString();
        if (kind === 'roomcast') {
          if (text.startsWith('{"is_authorized":true')) {
            ROOMS(rooms).forEach((r, i) => send(JSON.stringify({ type: 'subscribe', room: { bench: r }, requestId: `s${i}` })));
          } else if (text === '{"code":"success"}') {
            if (--pending === 0) done();
          } else done(new Error(`unexpected ${text.slice(0, 80)}`));
        } else if (kind === 'socket.io') {
          if (text.startsWith('0{')) send('40');
          else if (text.startsWith('40')) send(`421["join",${JSON.stringify(ROOMS(rooms))}]`);
          else if (text.startsWith('431')) done();
          else if (text === '2') send('3');
        }
      },
    );
    sock.on('error', (err) => done(err));
    sock.on('close', () => {
      sockets.delete(sock);
      done(new Error('closed before joining'));
    });
    sockets.add(sock);
    const path = kind === 'roomcast' ? '/ws/?token=bench' : kind === 'socket.io' ? '/socket.io/?EIO=4&transport=websocket' : '/';
    sock.write(upgradeRequest(`127.0.0.1:${port}`, path));
  });
}

async function connectMany(cmd: Extract<Command, { op: 'connect' }>): Promise<Reply> {
  const t0 = now();
  let ok = 0;
  let failed = 0;
  let next = 0;
  let error: string | undefined;
  const worker = async (): Promise<void> => {
    while (next < cmd.count) {
      next++;
      try {
        await open(cmd.kind, cmd.port, cmd.rooms, cmd.localAddress);
        ok++;
      } catch (err) {
        failed++;
        error ??= (err as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(cmd.concurrency, cmd.count) }, worker));
  return { op: 'connected', ok, failed, ms: now() - t0, ...(error ? { error } : {}) };
}

process.on('message', (cmd: Command) => {
  const reply = (r: Reply): void => void process.send?.(r);
  switch (cmd.op) {
    case 'connect':
      if (!samples.has(cmd.port)) samples.set(cmd.port, new Samples());
      void connectMany(cmd).then(reply);
      return;
    case 'reset':
      received = 0;
      for (const s of samples.values()) s.count = 0;
      timing = cmd.latency;
      clearInterval(progress);
      if (cmd.progressMs !== undefined) progress = setInterval(() => reply({ op: 'progress', received }), cmd.progressMs);
      reply({ op: 'reset' });
      return;
    case 'stats':
      reply({ op: 'stats', received, byPort: Object.fromEntries([...samples].map(([port, s]) => [port, s.timings()])), open: sockets.size });
      return;
    case 'close':
      for (const s of sockets) s.destroy();
      sockets.clear();
      reply({ op: 'closed' });
      return;
  }
});
process.on('disconnect', () => process.exit(0));
