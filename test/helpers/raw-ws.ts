/**
 * A raw WebSocket client over `node:net`, for testing the server's RFC 6455 layer byte by byte without the `ws`
 * library: {@link rawConnect} performs the HTTP upgrade by hand (random key, checks 101 and Sec-WebSocket-Accept),
 * then the client can send any frame — masked or not, any FIN/RSV bits and opcode, even ones no conforming client
 * would send — as one TCP write or split into several, read the server's frames in order with
 * `nextFrame(timeoutMs)`, and wait for the server to end the TCP connection with `closed()`. {@link rawHttp} sends
 * a hand-written HTTP request and returns the status line and headers of the answer, for handshake tests.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';

/** RFC 6455 §1.3: appended to the client's key before hashing it into Sec-WebSocket-Accept. */
export const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Frame opcodes (RFC 6455 §5.2). */
export const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** The Sec-WebSocket-Accept value the server must answer to `key`. */
export function acceptFor(key: string): string {
  return createHash('sha1').update(key + WS_GUID).digest('base64');
}

/** A frame to send. Defaults: FIN set, RSV bits clear, masked with a random key, empty payload. */
export interface FrameSpec {
  readonly opcode: number;
  readonly payload?: Buffer | string;
  readonly fin?: boolean;
  /** The three RSV bits as a number 0-7: 4 is RSV1, 2 is RSV2, 1 is RSV3. */
  readonly rsv?: number;
  /** Whether to set MASK and mask the payload (every client frame must be masked, §5.1). */
  readonly mask?: boolean;
}

/** Encodes one client frame (RFC 6455 §5.2), choosing the 7-bit, 16-bit or 64-bit length form by payload size. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const mask = spec.mask ?? true;
  const first = ((spec.fin ?? true) ? 0x80 : 0) | (((spec.rsv ?? 0) & 0b111) << 4) | (spec.opcode & 0x0f);
  const maskBit = mask ? 0x80 : 0;
  let header: Buffer;
  if (payload.length < 126) {
    header = Buffer.from([first, maskBit | payload.length]);
  } else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = maskBit | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  if (!mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  const masked = Buffer.alloc(payload.length);
  for (let i = 0; i < payload.length; i++) masked[i] = (payload[i] as number) ^ (key[i & 3] as number);
  return Buffer.concat([header, key, masked]);
}

/** The payload of a close frame: a 2-byte status code, then the UTF-8 reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const out = Buffer.alloc(2 + Buffer.byteLength(reason));
  out.writeUInt16BE(code, 0);
  out.write(reason, 2);
  return out;
}

/** A frame the server sent. */
export interface ServerFrame {
  readonly fin: boolean;
  readonly rsv: number;
  readonly opcode: number;
  /** Whether MASK was set (a server must never mask, §5.1). */
  readonly masked: boolean;
  readonly payload: Buffer;
  /** For a close frame: its status code, `undefined` when the payload is empty. */
  readonly code?: number | undefined;
  /** For a close frame: its reason, `''` when there is none. */
  readonly reason?: string;
}

/** Parses one frame off the front of `buf`; `undefined` while it is incomplete. */
function parseFrame(buf: Buffer): { frame: ServerFrame; size: number } | undefined {
  if (buf.length < 2) return undefined;
  const b0 = buf[0] as number;
  const b1 = buf[1] as number;
  const masked = (b1 & 0x80) !== 0;
  let length = b1 & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const maskKey = masked ? buf.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (buf.length < offset + length) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (maskKey !== undefined) for (let i = 0; i < payload.length; i++) payload[i] = (payload[i] as number) ^ (maskKey[i & 3] as number);
  const opcode = b0 & 0x0f;
  const frame: ServerFrame = {
    fin: (b0 & 0x80) !== 0,
    rsv: (b0 >> 4) & 0b111,
    opcode,
    masked,
    payload,
    ...(opcode === OP.close
      ? { code: payload.length >= 2 ? payload.readUInt16BE(0) : undefined, reason: payload.subarray(2).toString('utf8') }
      : {}),
  };
  return { frame, size: offset + length };
}

/** A connected raw client. */
export interface RawClient {
  readonly socket: Socket;
  /** Writes bytes as they are, in one TCP write; resolves once they are handed to the kernel. */
  write(bytes: Buffer): Promise<void>;
  /** Encodes the frames and sends them all in one TCP write. */
  send(...frames: FrameSpec[]): Promise<void>;
  /**
   * Writes `bytes` as several TCP writes of `chunkSize` bytes each, with TCP_NODELAY on, waiting for each write to
   * reach the kernel and yielding to the event loop in between, so the server mostly reads them separately (the
   * kernel may still merge neighbours: with 1-byte writes of a 10-byte frame, ws saw reads of 2,1,1,1,1,1,1,1,1).
   */
  writeSplit(bytes: Buffer, chunkSize: number): Promise<void>;
  /** The next frame from the server; rejects after `timeoutMs` or when the connection ends first. */
  nextFrame(timeoutMs?: number): Promise<ServerFrame>;
  /** Frames received and not yet taken by {@link nextFrame}, taken now. */
  takeQueued(): ServerFrame[];
  /** Resolves when the server has ended (FIN) or destroyed the TCP connection; rejects after `timeoutMs`. */
  closed(timeoutMs?: number): Promise<void>;
  /** Destroys the socket (for cleanup). */
  destroy(): void;
}

/** Opens a TCP connection to loopback `port`; resolves once connected. */
function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** `promise`, or a rejection saying `what` did not happen within `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Status line and headers of an HTTP response; header names lower-cased. */
export interface HttpHead {
  readonly statusLine: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
}

function parseHead(text: string): HttpHead {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { statusLine, status: Number(statusLine.split(' ')[1]), headers };
}

/** Reads from `socket` until the end of an HTTP response head; resolves with the head and the bytes after it. */
function readHead(socket: Socket, timeoutMs: number): Promise<{ head: HttpHead; rest: Buffer }> {
  const reading = new Promise<{ head: HttpHead; rest: Buffer }>((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      cleanup();
      resolve({ head: parseHead(buf.subarray(0, end).toString('latin1')), rest: buf.subarray(end + 4) });
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`connection ended before an HTTP response head (got ${JSON.stringify(buf.toString('latin1'))})`));
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
  return within(reading, timeoutMs, 'HTTP response head');
}

/** Sends `request` (a complete HTTP request text) and returns the response's status line and headers. */
export async function rawHttp(port: number, request: string, timeoutMs = 2000): Promise<HttpHead> {
  const socket = await openSocket(port);
  socket.on('error', () => {});
  try {
    socket.write(request);
    return (await readHead(socket, timeoutMs)).head;
  } finally {
    socket.destroy();
  }
}

/** The text of a WebSocket upgrade request; `headers` are added after, or replace (value `null`: drop), the defaults. */
export function upgradeRequest(path: string, port: number, headers: Record<string, string | null> = {}): string {
  const all: Record<string, string | null> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
    'Sec-WebSocket-Version': '13',
  };
  for (const [name, value] of Object.entries(headers)) {
    const existing = Object.keys(all).find((k) => k.toLowerCase() === name.toLowerCase());
    all[existing ?? name] = value;
  }
  const lines = Object.entries(all).flatMap(([name, value]) => (value === null ? [] : [`${name}: ${value}`]));
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Connects and upgrades by hand. Rejects unless the answer is 101 with the right Sec-WebSocket-Accept.
 * `extraHeaders` add to or replace the request's headers (a `null` value drops one).
 */
export async function rawConnect(port: number, path = '/ws/', extraHeaders: Record<string, string | null> = {}): Promise<RawClient & { readonly head: HttpHead }> {
  const key = randomBytes(16).toString('base64');
  const socket = await openSocket(port);
  // A reset shows as 'close'; the tests look at frames and the close, not at socket errors.
  socket.on('error', () => {});
  socket.write(upgradeRequest(path, port, { 'Sec-WebSocket-Key': key, ...extraHeaders }));
  let handshake: { head: HttpHead; rest: Buffer };
  try {
    handshake = await readHead(socket, 2000);
  } catch (err) {
    socket.destroy();
    throw err;
  }
  const { head, rest } = handshake;
  if (head.status !== 101) {
    socket.destroy();
    throw new Error(`upgrade refused: ${head.statusLine}`);
  }
  if (head.headers['sec-websocket-accept'] !== acceptFor(key)) {
    socket.destroy();
    throw new Error(`wrong Sec-WebSocket-Accept: ${head.headers['sec-websocket-accept']}`);
  }

  let buf = rest;
  const queue: ServerFrame[] = [];
  const waiters: { resolve(f: ServerFrame): void; reject(e: Error): void }[] = [];
  let ended = false;
  let resolveClosed!: () => void;
  const closedPromise = new Promise<void>((resolve) => (resolveClosed = resolve));

  const parseAll = (): void => {
    for (;;) {
      const parsed = parseFrame(buf);
      if (parsed === undefined) return;
      buf = buf.subarray(parsed.size);
      const waiter = waiters.shift();
      if (waiter !== undefined) waiter.resolve(parsed.frame);
      else queue.push(parsed.frame);
    }
  };
  const onGone = (): void => {
    if (ended) return;
    ended = true;
    resolveClosed();
    for (const w of waiters.splice(0)) w.reject(new Error('connection ended while waiting for a frame'));
  };
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    parseAll();
  });
  socket.once('end', onGone);
  socket.once('close', onGone);
  parseAll();

  const write = (bytes: Buffer): Promise<void> =>
    new Promise((resolve, reject) => socket.write(bytes, (err) => (err ? reject(err) : resolve())));

  return {
    socket,
    head,
    write,
    send: (...frames) => write(Buffer.concat(frames.map(encodeFrame))),
    async writeSplit(bytes, chunkSize) {
      socket.setNoDelay(true);
      for (let i = 0; i < bytes.length; i += chunkSize) {
        await write(bytes.subarray(i, i + chunkSize));
        await new Promise((r) => setImmediate(r));
      }
    },
    nextFrame(timeoutMs = 1000) {
      const ready = queue.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      if (ended) return Promise.reject(new Error('connection ended while waiting for a frame'));
      return new Promise<ServerFrame>((resolve, reject) => {
        const waiter = {
          resolve: (frame: ServerFrame) => {
            clearTimeout(timer);
            resolve(frame);
          },
          reject: (err: Error) => {
            clearTimeout(timer);
            reject(err);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(new Error(`no server frame within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    takeQueued: () => queue.splice(0),
    closed: (timeoutMs = 2000) => within(closedPromise, timeoutMs, 'TCP close'),
    destroy: () => socket.destroy(),
  };
}
