/**
 * Properties of the pure parts of the server's RFC 6455 layer (`src/transport/rfc6455/`), checked against an
 * independent client-side encoder written here: `decodeFrame` (round trips over the three length encodings,
 * strict prefixes, hostile bytes, the payload limit read from the header), `FrameReader` (the same events
 * whatever the TCP chunking, fragments with interleaved control frames, UTF-8, nothing after a close or an
 * error), the opening handshake's checks and the close frame's cut reason. End-to-end behaviour over TCP is
 * `websocket.test.ts`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUtf8 } from 'node:buffer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { closeFrame, controlFrame, decodeFrame, isValidCloseCode, textFrameHeader, type Decoded } from '../../src/transport/rfc6455/frames.js';
import { acceptKey, checkUpgrade, switchingProtocols } from '../../src/transport/rfc6455/handshake.js';
import { FrameReader, MAX_FRAGMENTS } from '../../src/transport/rfc6455/reader.js';

// --- An independent encoder (the client's side of §5.2) ---

const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

interface ClientFrame {
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
  /** The 4-byte masking key. */
  readonly mask: Buffer;
  /** RSV bits as a number 0-7 (default 0). */
  readonly rsv?: number;
  /** Whether MASK is set and the payload masked (default true). */
  readonly masked?: boolean;
  /** The length encoding: 7, 16 or 64 bits (default: the shortest, as §5.2 requires). */
  readonly form?: 7 | 16 | 64;
}

/** The big-endian bytes of `n` (a safe integer) in `size` bytes, by arithmetic (no Buffer write helpers). */
function bigEndian(n: number, size: number): number[] {
  const out: number[] = [];
  for (let i = size - 1; i >= 0; i--) out.push(Math.floor(n / 2 ** (8 * i)) % 256);
  return out;
}

function shortestForm(length: number): 7 | 16 | 64 {
  return length < 126 ? 7 : length < 65536 ? 16 : 64;
}

/** The header of a frame up to (not including) the masking key. */
function encodeHeader(f: Omit<ClientFrame, 'payload' | 'mask'>, length: number): Buffer {
  const b0 = (f.fin ? 0x80 : 0) | (((f.rsv ?? 0) & 7) << 4) | (f.opcode & 0x0f);
  const maskBit = (f.masked ?? true) ? 0x80 : 0;
  const form = f.form ?? shortestForm(length);
  if (form === 7) return Buffer.from([b0, maskBit | length]);
  if (form === 16) return Buffer.from([b0, maskBit | 126, ...bigEndian(length, 2)]);
  return Buffer.from([b0, maskBit | 127, ...bigEndian(length, 8)]);
}

function encode(f: ClientFrame): Buffer {
  const header = encodeHeader(f, f.payload.length);
  if (!(f.masked ?? true)) return Buffer.concat([header, f.payload]);
  const body = Buffer.alloc(f.payload.length);
  for (let i = 0; i < body.length; i++) body[i] = (f.payload[i] as number) ^ (f.mask[i % 4] as number);
  return Buffer.concat([header, f.mask, body]);
}

// --- Arbitraries ---

const maskArb = fc.uint8Array({ minLength: 4, maxLength: 4 }).map((a) => Buffer.from(a));

/** `length` bytes from a short random pattern: large payloads without generating every byte. */
function patterned(length: number, pattern: Uint8Array): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = ((pattern[i % pattern.length] as number) + (i >> 6)) & 0xff;
  return out;
}
const patternedArb = (min: number, max: number): fc.Arbitrary<Buffer> =>
  fc.tuple(fc.integer({ min, max }), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([n, p]) => patterned(n, p));

const smallBytes = (maxLength: number): fc.Arbitrary<Buffer> => fc.uint8Array({ maxLength }).map((a) => Buffer.from(a));

/** Data payloads over the three length encodings, the boundaries included; 64-bit lengths kept rare and small. */
const dataPayloadArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 10, arbitrary: smallBytes(125) },
  { weight: 2, arbitrary: fc.constantFrom(125, 126, 127, 65535, 65536).chain((n) => patternedArb(n, n)) },
  { weight: 4, arbitrary: patternedArb(126, 65535) },
  { weight: 1, arbitrary: patternedArb(65536, 70000) },
);

const dataFrameArb: fc.Arbitrary<ClientFrame> = fc.record({
  fin: fc.boolean(),
  opcode: fc.constantFrom(OP.continuation, OP.text, OP.binary),
  payload: dataPayloadArb,
  mask: maskArb,
});

const controlFrameArb: fc.Arbitrary<ClientFrame> = fc.record({
  fin: fc.constant(true),
  opcode: fc.constantFrom(OP.close, OP.ping, OP.pong),
  payload: fc.oneof(smallBytes(125), patternedArb(125, 125)),
  mask: maskArb,
});

const validFrameArb = fc.oneof({ weight: 3, arbitrary: dataFrameArb }, { weight: 1, arbitrary: controlFrameArb });

/** Bytes that often look like a frame header: random, a valid frame with one byte changed, or a frame cut short. */
const hostileBytesArb: fc.Arbitrary<Buffer> = fc.oneof(
  smallBytes(300),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), smallBytes(40)).map(([b0, b1, rest]) => Buffer.concat([Buffer.from([b0, b1 | 0x80]), rest])),
  fc
    .tuple(fc.record({ fin: fc.boolean(), opcode: fc.integer({ min: 0, max: 15 }), payload: smallBytes(200), mask: maskArb }), fc.nat(), fc.integer({ min: 0, max: 255 }))
    .map(([f, at, byte]) => {
      const bytes = encode(f);
      bytes[at % bytes.length] = byte;
      return bytes;
    }),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: 8, maxLength: 8 }), smallBytes(20)).map(([b0, len, rest]) => Buffer.concat([Buffer.from([b0, 0xff]), len, rest])),
);

// --- decodeFrame ---

const FRAME_OPCODES = new Set<number>(Object.values(OP));

/** Everything a decoded result must satisfy, whatever the input; returns the result for further checks. */
function assertWellFormed(input: Buffer, offset: number, maxPayload: number, r: Decoded): void {
  const available = input.length - offset;
  switch (r.kind) {
    case 'frame': {
      assert.ok(r.end > offset && r.end <= input.length, `end ${r.end} outside (${offset}, ${input.length}]`);
      assert.ok(FRAME_OPCODES.has(r.opcode), `opcode ${r.opcode}`);
      if (r.opcode >= OP.close) assert.ok(r.fin && r.payload.length <= 125, 'control frames are final and short');
      assert.ok(r.payload.length <= maxPayload, 'payload within maxPayload');
      // The frame re-encoded with its own key and length form is exactly the bytes it was decoded from.
      const lengthField = (input[offset + 1] as number) & 0x7f;
      const form = lengthField === 127 ? 64 : lengthField === 126 ? 16 : 7;
      const headerBytes = form === 64 ? 10 : form === 16 ? 4 : 2;
      const mask = input.subarray(offset + headerBytes, offset + headerBytes + 4);
      assert.deepEqual(encode({ fin: r.fin, opcode: r.opcode, payload: r.payload, mask, form }), input.subarray(offset, r.end));
      break;
    }
    case 'error':
      assert.ok(r.code === 1002 || r.code === 1009, `error code ${r.code}`);
      assert.equal(typeof r.reason, 'string');
      assert.ok(r.reason.length > 0);
      break;
    case 'incomplete':
      assert.ok(r.need > available, `need ${r.need} with ${available} available`);
      assert.ok(r.need >= 2);
      break;
    default:
      assert.fail(`unknown result ${JSON.stringify(r)}`);
  }
}

test('decodeFrame: every valid frame, masked with any key, decodes to its fin, opcode and payload; end is just past it; the input is untouched (property)', () => {
  fc.assert(
    fc.property(validFrameArb, smallBytes(8), smallBytes(8), fc.nat({ max: 100 }), (frame, before, after, slack) => {
      const encoded = encode(frame);
      const input = Buffer.concat([before, encoded, after]);
      const copy = Buffer.from(input);
      // maxPayload exactly the payload length (slack 0) is still accepted.
      const r = decodeFrame(input, before.length, frame.payload.length + slack);
      assert.equal(r.kind, 'frame', JSON.stringify(r.kind === 'frame' ? {} : r));
      if (r.kind !== 'frame') return;
      assert.equal(r.fin, frame.fin);
      assert.equal(r.opcode, frame.opcode);
      assert.ok(r.payload.equals(frame.payload), 'payload');
      assert.equal(r.end, before.length + encoded.length);
      assert.ok(input.equals(copy), 'the input buffer was modified');
      assertWellFormed(input, before.length, frame.payload.length + slack, r);
    }),
    { numRuns: 300 },
  );
});

test('decodeFrame: frames packed back to back decode one after the other (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(dataFrameArb.filter((f) => f.payload.length < 2000), controlFrameArb), { minLength: 1, maxLength: 8 }), (frames) => {
      const input = Buffer.concat(frames.map(encode));
      let offset = 0;
      for (const frame of frames) {
        const r = decodeFrame(input, offset, 1 << 20);
        assert.ok(r.kind === 'frame' && r.opcode === frame.opcode && r.fin === frame.fin && r.payload.equals(frame.payload));
        offset = r.end;
      }
      assert.equal(offset, input.length);
    }),
    { numRuns: 200 },
  );
});

/** Prefix lengths worth checking: all of them for small frames, else the header region, the end and a sample. */
function prefixLengths(total: number, samples: readonly number[]): number[] {
  if (total <= 400) return Array.from({ length: total }, (_, i) => i);
  const set = new Set<number>();
  for (let i = 0; i < 20; i++) set.add(i);
  for (const s of samples) set.add(s % total);
  set.add(total - 1);
  set.add(total - 2);
  return [...set].sort((a, b) => a - b);
}

test('decodeFrame: every strict prefix of a valid frame is incomplete, needing more than it has and no more than the whole frame (property)', () => {
  fc.assert(
    fc.property(validFrameArb, smallBytes(6), fc.array(fc.nat(), { maxLength: 20 }), (frame, before, samples) => {
      const encoded = encode(frame);
      for (const k of prefixLengths(encoded.length, samples)) {
        const input = Buffer.concat([before, encoded.subarray(0, k)]);
        const r = decodeFrame(input, before.length, 1 << 20);
        assert.equal(r.kind, 'incomplete', `prefix ${k} of ${encoded.length}: ${JSON.stringify(r)}`);
        if (r.kind !== 'incomplete') return;
        assert.ok(r.need > k, `need ${r.need} at prefix ${k}`);
        assert.ok(r.need <= encoded.length, `need ${r.need} beyond the frame (${encoded.length})`);
      }
    }),
    { numRuns: 200 },
  );
});

test('decodeFrame: arbitrary bytes never throw and give a well-formed result (errors only 1002 or 1009) (property)', () => {
  fc.assert(
    fc.property(hostileBytesArb, fc.nat(), fc.oneof(fc.integer({ min: 0, max: 300 }), fc.constant(65536), fc.constant(Number.MAX_SAFE_INTEGER)), (input, at, maxPayload) => {
      const offset = input.length === 0 ? 0 : at % (input.length + 1);
      const copy = Buffer.from(input);
      const r = decodeFrame(input, offset, maxPayload);
      assertWellFormed(input, offset, maxPayload, r);
      assert.ok(input.equals(copy), 'the input buffer was modified');
    }),
    { numRuns: 3000 },
  );
});

test('decodeFrame: a data frame longer than maxPayload fails with 1009 from its header alone, before any payload (property)', () => {
  const lengthOver = (max: number): fc.Arbitrary<number> =>
    fc.oneof(
      fc.integer({ min: max + 1, max: max + 200 }),
      fc.integer({ min: max + 1, max: Math.max(max + 1, 65535) }),
      fc.integer({ min: Math.max(max + 1, 65536), max: Number.MAX_SAFE_INTEGER }),
    );
  const caseArb = fc
    .integer({ min: 0, max: 70000 })
    .chain((max) => fc.tuple(fc.constant(max), lengthOver(max), fc.boolean(), fc.constantFrom(OP.continuation, OP.text, OP.binary), maskArb, fc.nat({ max: 50 })));
  fc.assert(
    fc.property(caseArb, ([max, length, fin, opcode, mask, payloadBytes]) => {
      const header = encodeHeader({ fin, opcode }, length);
      for (const input of [header, Buffer.concat([header, mask]), Buffer.concat([header, mask, Buffer.alloc(Math.min(payloadBytes, length))])]) {
        const r = decodeFrame(input, 0, max);
        assert.deepEqual(r.kind === 'error' ? r.code : r, 1009, `length ${length}, max ${max}, ${input.length} bytes`);
      }
    }),
    { numRuns: 500 },
  );
});

test('decodeFrame: a 64-bit length with its most significant bit set fails with 1002, whatever the limit (property)', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(OP.continuation, OP.text, OP.binary),
      fc.boolean(),
      fc.oneof(
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.constantFrom([0x80, 0, 0, 0, 0, 0, 0, 0], [0x80, 0, 0, 0, 0, 0, 0, 1], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).map((b) => Uint8Array.from(b)),
      ),
      smallBytes(20),
      fc.oneof(fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER), fc.constant(Infinity)),
      (opcode, fin, length, rest, max) => {
        length[0] = (length[0] as number) | 0x80;
        const input = Buffer.concat([Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | 127]), length, rest]);
        const r = decodeFrame(input, 0, max);
        assert.ok(r.kind === 'error' && r.code === 1002, JSON.stringify(r));
      },
    ),
    { numRuns: 300 },
  );
});

test('decodeFrame: the single-frame protocol errors of §5 (examples)', () => {
  const mask = Buffer.from([1, 2, 3, 4]);
  const cases: [string, Buffer, number][] = [
    ['unmasked', encode({ fin: true, opcode: OP.text, payload: Buffer.from('hi'), mask, masked: false }), 1002],
    ...[1, 2, 4].map((rsv): [string, Buffer, number] => [`rsv ${rsv}`, encode({ fin: true, opcode: OP.text, payload: Buffer.from('hi'), mask, rsv }), 1002]),
    ...[3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf].map((opcode): [string, Buffer, number] => [`opcode ${opcode}`, encode({ fin: true, opcode, payload: Buffer.alloc(0), mask }), 1002]),
    ['ping without FIN', encode({ fin: false, opcode: OP.ping, payload: Buffer.alloc(0), mask }), 1002],
    ['126-byte ping (16-bit form)', encode({ fin: true, opcode: OP.ping, payload: Buffer.alloc(126), mask }), 1002],
    ['5-byte ping in the 16-bit form', encode({ fin: true, opcode: OP.ping, payload: Buffer.alloc(5), mask, form: 16 }), 1002],
    ['64-bit length 2^53 (top bit clear)', encodeHeader({ fin: true, opcode: OP.binary }, 2 ** 53), 1009],
    ['64-bit length 2^62', Buffer.from([0x82, 0xff, 0x40, 0, 0, 0, 0, 0, 0, 0]), 1009],
  ];
  for (const [name, input, code] of cases) {
    const r = decodeFrame(input, 0, Number.MAX_SAFE_INTEGER);
    assert.ok(r.kind === 'error' && r.code === code, `${name}: ${JSON.stringify(r)}`);
  }
  // Error checks need only the first two bytes.
  assert.equal(decodeFrame(Buffer.from([0x81]), 0, 100).kind, 'incomplete');
  assert.equal(decodeFrame(Buffer.from([0x81, 0x05]), 0, 100).kind, 'error');
});

// --- Encoding what the server sends ---

/** Decodes one unmasked server frame (independent of the code under test). */
function decodeServerFrame(bytes: Buffer): { fin: boolean; rsv: number; opcode: number; masked: boolean; payload: Buffer } {
  const lengthField = (bytes[1] as number) & 0x7f;
  const headerBytes = lengthField === 127 ? 10 : lengthField === 126 ? 4 : 2;
  let length = lengthField;
  if (lengthField === 126) length = (bytes[2] as number) * 256 + (bytes[3] as number);
  if (lengthField === 127) length = [2, 3, 4, 5, 6, 7, 8, 9].reduce((n, i) => n * 256 + (bytes[i] as number), 0);
  assert.equal(bytes.length, headerBytes + length, 'one whole frame');
  return {
    fin: ((bytes[0] as number) & 0x80) !== 0,
    rsv: ((bytes[0] as number) >> 4) & 7,
    opcode: (bytes[0] as number) & 0x0f,
    masked: ((bytes[1] as number) & 0x80) !== 0,
    payload: bytes.subarray(headerBytes),
  };
}

test('textFrameHeader: the shortest unmasked final-text header for any length; a header already handed out never changes (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 70000 }), fc.integer({ min: 0, max: 2 ** 40 })), { minLength: 1, maxLength: 6 }), (lengths) => {
      const handedOut = lengths.map((n) => [n, textFrameHeader(n), Buffer.from(textFrameHeader(n))] as const);
      for (const [n, header, copy] of handedOut) {
        assert.ok(header.equals(copy), `the header for ${n} was modified by a later call`);
        assert.deepEqual(header, encodeHeader({ fin: true, opcode: OP.text, masked: false }, n));
      }
    }),
    { numRuns: 300 },
  );
});

test('controlFrame: an unmasked final frame with the payload', () => {
  for (const n of [0, 1, 125]) {
    const payload = patterned(n, Uint8Array.of(7, 200));
    const f = decodeServerFrame(controlFrame(OP.pong, payload));
    assert.deepEqual({ fin: f.fin, rsv: f.rsv, opcode: f.opcode, masked: f.masked }, { fin: true, rsv: 0, opcode: OP.pong, masked: false });
    assert.ok(f.payload.equals(payload));
  }
});

test('closeFrame: any reason is cut to fit a 125-byte payload at a character boundary, stays valid UTF-8, and short reasons are kept whole (property)', () => {
  const reasonArb = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 200 }),
    fc.tuple(fc.integer({ min: 100, max: 130 }), fc.constantFrom('é', '€', '😀', '\u{10FFFF}', 'ß€😀')).map(([n, tail]) => 'a'.repeat(n) + tail.repeat(10)),
    fc.tuple(fc.integer({ min: 0, max: 3 }), fc.string({ unit: 'binary', minLength: 40, maxLength: 80 })).map(([n, s]) => 'x'.repeat(n) + s),
  );
  const codeArb = fc.integer({ min: 0, max: 65535 }).filter(isValidCloseCode);
  fc.assert(
    fc.property(codeArb, reasonArb, (code, reason) => {
      const f = decodeServerFrame(closeFrame(code, reason));
      assert.deepEqual({ fin: f.fin, rsv: f.rsv, opcode: f.opcode, masked: f.masked }, { fin: true, rsv: 0, opcode: OP.close, masked: false });
      assert.ok(f.payload.length >= 2 && f.payload.length <= 125, `payload of ${f.payload.length} bytes`);
      assert.equal(f.payload.readUInt16BE(0), code);
      const sent = f.payload.subarray(2);
      assert.ok(isUtf8(sent), 'reason is valid UTF-8');
      // What a client could receive from the whole reason (lone surrogates become U+FFFD).
      const whole = Buffer.from(reason);
      assert.ok(whole.subarray(0, sent.length).equals(sent), 'the sent reason is a prefix of the reason');
      if (whole.length <= 123) assert.equal(sent.length, whole.length, 'a reason that fits is kept whole');
      // Cut at most back to the start of the character that did not fit (a reason ending in U+FFFD itself may lose more).
      else if (!whole.toString().includes('\uFFFD')) {
        assert.ok(sent.length >= 120, `cut to ${sent.length} bytes`);
      }
    }),
    { numRuns: 1000 },
  );
  assert.deepEqual(closeFrame(undefined), Buffer.from([0x88, 0x00]));
  assert.deepEqual(closeFrame(1000), Buffer.from([0x88, 0x02, 0x03, 0xe8]));
});

test('isValidCloseCode: exactly the codes §7.4 lets an endpoint receive (1000-1003, 1007-1014, 3000-4999)', () => {
  for (let code = 0; code < 65536; code++) {
    const expected = (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
    assert.equal(isValidCloseCode(code), expected, `code ${code}`);
  }
});

// --- FrameReader ---

type ReaderEvent =
  | { readonly type: 'message'; readonly text: string; readonly binary: boolean }
  | { readonly type: 'ping' | 'pong'; readonly payload: string }
  | { readonly type: 'close'; readonly code: number | undefined; readonly reason: string }
  | { readonly type: 'error'; readonly code: number };

/** A FrameReader that records what it reads. */
class Recorder extends FrameReader {
  readonly events: ReaderEvent[] = [];
  protected readonly maxPayload: number;

  constructor(maxPayload: number) {
    super();
    this.maxPayload = maxPayload;
  }

  protected onMessage(text: string, binary: boolean): void {
    this.events.push({ type: 'message', text, binary });
  }
  protected onPing(payload: Buffer): void {
    this.events.push({ type: 'ping', payload: payload.toString('hex') });
  }
  protected onPong(payload: Buffer): void {
    this.events.push({ type: 'pong', payload: payload.toString('hex') });
  }
  protected onCloseFrame(code: number | undefined, reason: string): void {
    this.events.push({ type: 'close', code, reason });
  }
  protected onProtocolError(code: number): void {
    this.events.push({ type: 'error', code });
  }
}

/** Feeds `bytes` split at `cuts` (positions, any order, duplicates allowed) or one byte at a time. */
function feed(maxPayload: number, bytes: Buffer, chunking: 'bytes' | readonly number[]): ReaderEvent[] {
  const reader = new Recorder(maxPayload);
  if (chunking === 'bytes') {
    for (let i = 0; i < bytes.length; i++) reader.read(Buffer.from(bytes.subarray(i, i + 1)));
    return reader.events;
  }
  const points = [...new Set(chunking.map((c) => (bytes.length === 0 ? 0 : c % bytes.length)))].sort((a, b) => a - b);
  let start = 0;
  for (const p of [...points, bytes.length]) {
    // Copies: each chunk is its own buffer, as from a socket.
    if (p > start) reader.read(Buffer.from(bytes.subarray(start, p)));
    start = p;
  }
  return reader.events;
}

const chunkingArb: fc.Arbitrary<'bytes' | number[]> = fc.oneof(
  { weight: 1, arbitrary: fc.constant('bytes' as const) },
  { weight: 4, arbitrary: fc.array(fc.nat(), { maxLength: 30 }) },
);

/** A ping or pong (a control frame the reader reports and goes on). */
const pingPongArb: fc.Arbitrary<ClientFrame> = fc.record({
  fin: fc.constant(true),
  opcode: fc.constantFrom(OP.ping, OP.pong),
  payload: fc.oneof({ weight: 4, arbitrary: smallBytes(12) }, { weight: 1, arbitrary: smallBytes(125) }),
  mask: maskArb,
});

/** A message to send: its payload, where it is cut into fragments, and control frames before it and at each cut. */
interface MessagePlan {
  readonly binary: boolean;
  readonly payload: Buffer;
  readonly before: readonly ClientFrame[];
  readonly cuts: readonly { readonly at: number; readonly controls: readonly ClientFrame[]; readonly mask: Buffer }[];
  readonly mask: Buffer;
}

const messagePayloadArb = (binary: boolean): fc.Arbitrary<Buffer> =>
  binary
    ? fc.oneof({ weight: 6, arbitrary: smallBytes(40) }, { weight: 1, arbitrary: patternedArb(100, 3000) })
    : fc.oneof(
        { weight: 6, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((s) => Buffer.from(s)) },
        { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 10, max: 1000 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 4 })).map(([n, s]) => Buffer.from(s.repeat(n))) },
      );

const cutsArb = fc.array(fc.record({ at: fc.nat(), controls: fc.array(pingPongArb, { maxLength: 2 }), mask: maskArb }), { maxLength: 4 });

const messagePlanArb = (payloadArb: (binary: boolean) => fc.Arbitrary<Buffer>): fc.Arbitrary<MessagePlan> =>
  fc.boolean().chain((binary) =>
    fc.record({
      binary: fc.constant(binary),
      payload: payloadArb(binary),
      before: fc.array(pingPongArb, { maxLength: 2 }),
      cuts: cutsArb,
      mask: maskArb,
    }),
  );

const controlEvent = (f: ClientFrame): ReaderEvent => ({ type: f.opcode === OP.ping ? 'ping' : 'pong', payload: f.payload.toString('hex') });

/**
 * The frames of a message plan and the events a reader must report for them, the last one being `last`
 * (the message itself unless given).
 */
function planFrames(plan: MessagePlan, last?: ReaderEvent): { frames: ClientFrame[]; events: ReaderEvent[] } {
  const frames: ClientFrame[] = [...plan.before];
  const events: ReaderEvent[] = plan.before.map(controlEvent);
  const cuts = plan.cuts.map((c) => ({ ...c, at: c.at % (plan.payload.length + 1) })).sort((a, b) => a.at - b.at);
  let start = 0;
  let opcode: number = plan.binary ? OP.binary : OP.text;
  let mask = plan.mask;
  for (const cut of cuts) {
    frames.push({ fin: false, opcode, payload: plan.payload.subarray(start, cut.at), mask });
    frames.push(...cut.controls);
    events.push(...cut.controls.map(controlEvent));
    start = cut.at;
    opcode = OP.continuation;
    mask = cut.mask;
  }
  frames.push({ fin: true, opcode, payload: plan.payload.subarray(start), mask });
  events.push(last ?? { type: 'message', text: plan.payload.toString(), binary: plan.binary });
  return { frames, events };
}

function planAll(plans: readonly MessagePlan[]): { bytes: Buffer; events: ReaderEvent[] } {
  const parts = plans.map((p) => planFrames(p));
  return { bytes: Buffer.concat(parts.flatMap((p) => p.frames.map(encode))), events: parts.flatMap((p) => p.events) };
}

const BIG = 1 << 20;

test('FrameReader: fragmented messages with control frames between fragments give the same events for every chunking, and the original messages (property)', () => {
  fc.assert(
    fc.property(fc.array(messagePlanArb(messagePayloadArb), { minLength: 1, maxLength: 6 }), fc.array(pingPongArb, { maxLength: 2 }), chunkingArb, (plans, trailing, chunking) => {
      const planned = planAll(plans);
      const bytes = Buffer.concat([planned.bytes, ...trailing.map(encode)]);
      const expected = [...planned.events, ...trailing.map(controlEvent)];
      const whole = feed(BIG, bytes, [0]);
      assert.deepEqual(whole, expected);
      assert.deepEqual(feed(BIG, bytes, chunking), whole);
    }),
    { numRuns: 300 },
  );
});

test('FrameReader: a single data frame of each length encoding, in any chunking, is one message (property)', () => {
  fc.assert(
    fc.property(fc.boolean(), dataPayloadArb, maskArb, fc.array(fc.nat(), { maxLength: 20 }), (binary, payload, mask, cuts) => {
      // Text must be UTF-8: the same bytes folded to ASCII.
      const body = binary ? payload : Buffer.from(payload.map((b) => b & 0x7f));
      const bytes = encode({ fin: true, opcode: binary ? OP.binary : OP.text, payload: body, mask });
      const expected: ReaderEvent[] = [{ type: 'message', text: body.toString(), binary }];
      assert.deepEqual(feed(BIG, bytes, cuts), expected);
    }),
    { numRuns: 60 },
  );
});

/** Invalid UTF-8 sequences (§8.1): a bad lead or continuation byte, overlong, surrogate, above U+10FFFF, cut short. */
const INVALID_UTF8 = [[0xff], [0xc3, 0x28], [0x80], [0xc0, 0xaf], [0xe0, 0x80, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82]];

const invalidTextArb: fc.Arbitrary<Buffer> = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom(...INVALID_UTF8), fc.string({ unit: 'binary', maxLength: 20 }), fc.boolean())
  .map(([a, bad, b, atEnd]) => Buffer.concat([Buffer.from(a), Buffer.from(bad), atEnd ? Buffer.alloc(0) : Buffer.from(b)]));

const SMALL_MAX = 4096;

/** Frames that end reading, and the events they give (the last one a close or an error). */
interface Terminal {
  readonly bytes: Buffer;
  readonly events: ReaderEvent[];
}

const terminalArb: fc.Arbitrary<Terminal> = fc.oneof<fc.Arbitrary<Terminal>[]>(
  // A close frame: empty, or a valid code with a UTF-8 reason.
  maskArb.map((mask): Terminal => ({ bytes: encode({ fin: true, opcode: OP.close, payload: Buffer.alloc(0), mask }), events: [{ type: 'close', code: undefined, reason: '' }] })),
  fc.tuple(fc.integer({ min: 0, max: 65535 }).filter(isValidCloseCode), fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => Buffer.byteLength(s) <= 123), maskArb).map(([code, reason, mask]): Terminal => {
    const payload = Buffer.concat([Buffer.from(bigEndian(code, 2)), Buffer.from(reason)]);
    return { bytes: encode({ fin: true, opcode: OP.close, payload, mask }), events: [{ type: 'close', code, reason: Buffer.from(reason).toString() }] };
  }),
  // A text message, possibly fragmented around control frames, that is not UTF-8: 1007 where the message would be.
  fc.tuple(invalidTextArb, fc.array(pingPongArb, { maxLength: 2 }), cutsArb, maskArb).map(([payload, before, cuts, mask]): Terminal => {
    const { frames, events } = planFrames({ binary: false, payload, before, cuts, mask }, { type: 'error', code: 1007 });
    return { bytes: Buffer.concat(frames.map(encode)), events };
  }),
  // Protocol errors.
  fc
    .tuple(
      fc.constantFrom<[string, number]>(
        ['unmasked', 1002],
        ['rsv', 1002],
        ['opcode', 1002],
        ['close code', 1002],
        ['close 1 byte', 1002],
        ['close reason', 1007],
        ['continuation', 1002],
        ['ping fin', 1002],
        ['big ping', 1002],
        ['new message inside a message', 1002],
        ['too big', 1009],
        ['too big in fragments', 1009],
      ),
      maskArb,
      fc.integer({ min: 0, max: 65535 }).filter((c) => !isValidCloseCode(c)),
    )
    .map(([[kind, code], mask, badCode]): Terminal => {
      const f = (opcode: number, payload: Buffer | string, fin = true, extra: Partial<ClientFrame> = {}): Buffer =>
        encode({ fin, opcode, payload: Buffer.from(payload), mask, ...extra });
      const bytesByKind: Record<string, Buffer> = {
        unmasked: f(OP.text, 'x', true, { masked: false }),
        rsv: f(OP.text, 'x', true, { rsv: 2 }),
        opcode: f(0x3, 'x'),
        'close code': f(OP.close, Buffer.from(bigEndian(badCode, 2))),
        'close 1 byte': f(OP.close, Buffer.from([3])),
        'close reason': f(OP.close, Buffer.from([0x03, 0xe8, 0xc3, 0x28])),
        continuation: f(OP.continuation, 'x'),
        'ping fin': f(OP.ping, '', false),
        'big ping': f(OP.ping, Buffer.alloc(126)),
        'new message inside a message': Buffer.concat([f(OP.text, 'a', false), f(OP.binary, 'b')]),
        'too big': f(OP.binary, Buffer.alloc(SMALL_MAX + 1)),
        'too big in fragments': Buffer.concat([f(OP.text, 'a'.repeat(SMALL_MAX - 5), false), f(OP.continuation, 'b'.repeat(6))]),
      };
      return { bytes: bytesByKind[kind] as Buffer, events: [{ type: 'error', code }] };
    }),
);

test('FrameReader: after a close frame or a protocol error nothing more is reported, whatever follows, in any chunking (property)', () => {
  const smallMessages = fc.array(messagePlanArb((binary) => (binary ? smallBytes(40) : fc.string({ unit: 'binary', maxLength: 20 }).map((s) => Buffer.from(s)))), { maxLength: 3 });
  const afterArb = fc.array(fc.oneof(hostileBytesArb, messagePlanArb(messagePayloadArb).map((p) => planAll([p]).bytes)), { maxLength: 3 });
  fc.assert(
    fc.property(smallMessages, terminalArb, afterArb, chunkingArb, (plans, terminal, after, chunking) => {
      const planned = planAll(plans);
      const bytes = Buffer.concat([planned.bytes, terminal.bytes, ...after]);
      const expected = [...planned.events, ...terminal.events];
      assert.deepEqual(feed(SMALL_MAX, bytes, [0]), expected);
      assert.deepEqual(feed(SMALL_MAX, bytes, chunking), expected);
    }),
    { numRuns: 400 },
  );
});

test('FrameReader: arbitrary bytes never throw; the chunking changes nothing; a close or an error is the last event; errors are 1002, 1007 or 1009 (property)', () => {
  const streamArb = fc.array(fc.oneof(hostileBytesArb, validFrameArb.filter((f) => f.payload.length < 1000).map(encode)), { maxLength: 6 }).map((parts) => Buffer.concat(parts));
  fc.assert(
    fc.property(streamArb, chunkingArb, fc.oneof(fc.integer({ min: 0, max: 200 }), fc.constant(SMALL_MAX)), (bytes, chunking, max) => {
      const whole = feed(max, bytes, [0]);
      assert.deepEqual(feed(max, bytes, chunking), whole);
      const endIndex = whole.findIndex((e) => e.type === 'close' || e.type === 'error');
      if (endIndex !== -1) assert.equal(endIndex, whole.length - 1, 'nothing after a close or an error');
      for (const e of whole) if (e.type === 'error') assert.ok([1002, 1007, 1009].includes(e.code), `error ${e.code}`);
    }),
    { numRuns: 1000 },
  );
});

test('FrameReader: the limit counts a message across its fragments; exactly maxPayload is accepted', () => {
  const mask = Buffer.from([9, 8, 7, 6]);
  const frames = (sizes: number[]): Buffer =>
    Buffer.concat(sizes.map((n, i) => encode({ fin: i === sizes.length - 1, opcode: i === 0 ? OP.text : OP.continuation, payload: Buffer.alloc(n, 0x61), mask })));
  assert.deepEqual(feed(100, frames([40, 0, 60]), [0]), [{ type: 'message', text: 'a'.repeat(100), binary: false }]);
  assert.deepEqual(feed(100, frames([40, 61]), [0]), [{ type: 'error', code: 1009 }]);
  assert.deepEqual(feed(100, frames([100]), [0]), [{ type: 'message', text: 'a'.repeat(100), binary: false }]);
  assert.deepEqual(feed(100, frames([101]), [0]), [{ type: 'error', code: 1009 }]);
});

test('FrameReader: a binary message is read as UTF-8 text, invalid sequences replaced rather than refused', () => {
  const bytes = encode({ fin: true, opcode: OP.binary, payload: Buffer.from([0x61, 0xff, 0x62]), mask: Buffer.from([1, 2, 3, 4]) });
  assert.deepEqual(feed(100, bytes, [0]), [{ type: 'message', text: 'a\uFFFDb', binary: true }]);
});

/** A way to collect garbage from a test run without --expose-gc on the command line. */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

test('FrameReader: empty continuation frames inside an open message hold no memory (a flood of them must not grow the heap)', () => {
  // Each empty masked continuation frame is 6 bytes on the wire. Holding one Buffer per frame costs ~100 bytes
  // of heap per 6 bytes received, with no limit: maxPayload counts bytes, and these have none.
  const reader = new Recorder(1024);
  const mask = Buffer.from([1, 2, 3, 4]);
  reader.read(encode({ fin: false, opcode: OP.text, payload: Buffer.from('a'), mask }));
  const batch = Buffer.concat(Array.from({ length: 1000 }, () => encode({ fin: false, opcode: OP.continuation, payload: Buffer.alloc(0), mask })));
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 300; i++) reader.read(batch);
  collectGarbage();
  const grown = process.memoryUsage().heapUsed - before;
  reader.read(encode({ fin: true, opcode: OP.continuation, payload: Buffer.from('b'), mask }));
  assert.deepEqual(reader.events, [{ type: 'message', text: 'ab', binary: false }]);
  assert.ok(grown < 8e6, `300,000 empty fragments (1.8 MB on the wire) grew the heap by ${(grown / 1e6).toFixed(1)} MB`);
});

// --- Opening handshake (§4.2) ---

test('acceptKey: the sample of RFC 6455 §1.3', () => {
  assert.equal(acceptKey('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
});

test('switchingProtocols: a complete 101 response with the accept value, and the subprotocol only when one was chosen', () => {
  const plain = switchingProtocols('dGhlIHNhbXBsZSBub25jZQ==', undefined);
  assert.ok(plain.startsWith('HTTP/1.1 101 Switching Protocols\r\n'));
  assert.ok(plain.endsWith('\r\n\r\n'));
  assert.equal(plain.split('\r\n\r\n').length, 2, 'one header block, nothing after it');
  const lines = plain.split('\r\n').map((l) => l.toLowerCase());
  for (const line of ['upgrade: websocket', 'connection: upgrade', 'sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=']) assert.ok(lines.includes(line), line);
  assert.ok(!/sec-websocket-protocol/i.test(plain));
  assert.ok(switchingProtocols('dGhlIHNhbXBsZSBub25jZQ==', 'chat').includes('\r\nSec-WebSocket-Protocol: chat\r\n'));
});

const keyArb = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => Buffer.from(b).toString('base64'));
const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const tokenArb = fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 12 });
const spacesArb = fc.string({ unit: fc.constantFrom(' ', '\t'), maxLength: 2 });

test('checkUpgrade: any base64 key of 16 bytes with version 13 or 8 is accepted, with the first subprotocol offered (property)', () => {
  fc.assert(
    fc.property(
      keyArb,
      fc.constantFrom('13', '8'),
      fc.constantFrom('websocket', 'WebSocket', 'WEBSOCKET'),
      fc.option(fc.array(fc.tuple(spacesArb, tokenArb, spacesArb), { minLength: 1, maxLength: 4 }), { nil: undefined }),
      (key, version, upgrade, protocols) => {
        const headers = {
          upgrade,
          'sec-websocket-key': key,
          'sec-websocket-version': version,
          ...(protocols === undefined ? {} : { 'sec-websocket-protocol': protocols.map(([a, p, b]) => a + p + b).join(',') }),
        };
        const r = checkUpgrade('GET', headers);
        assert.deepEqual(r, { ok: true, key, protocol: protocols?.[0]?.[1] });
      },
    ),
    { numRuns: 300 },
  );
});

test('checkUpgrade: other methods, versions, keys or Upgrade values are refused; so is a malformed subprotocol list (property)', () => {
  const good = (): Record<string, string> => ({ upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' });
  fc.assert(
    fc.property(fc.string({ maxLength: 8 }).filter((m) => m !== 'GET'), (method) => {
      assert.deepEqual(pick(checkUpgrade(method, good())), { ok: false, status: 405 });
    }),
    { numRuns: 100 },
  );
  assert.equal(checkUpgrade(undefined, good()).ok, false);
  assert.equal(checkUpgrade('get', good()).ok, false);
  fc.assert(
    fc.property(fc.option(fc.string({ maxLength: 4 }).filter((v) => v !== '13' && v !== '8'), { nil: undefined }), (version) => {
      const r = checkUpgrade('GET', { ...good(), 'sec-websocket-version': version });
      assert.deepEqual(r, { ok: false, status: 400, reason: 'unsupported Sec-WebSocket-Version', headers: 'Sec-WebSocket-Version: 13, 8\r\n' });
    }),
    { numRuns: 100 },
  );
  const badKey = fc.oneof(
    fc.integer({ min: 0, max: 40 }).filter((n) => n !== 16).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('base64'))),
    fc.string({ maxLength: 30 }).filter((s) => !/^[+/0-9A-Za-z]{22}==$/.test(s)),
    keyArb.map((k) => ` ${k}`),
    keyArb.map((k) => k.replace(/==$/, '')),
    keyArb.map((k) => k.replace(/[+/]/g, '-')).filter((k) => k.includes('-')),
  );
  fc.assert(
    fc.property(fc.option(badKey, { nil: undefined }), (key) => {
      assert.deepEqual(pick(checkUpgrade('GET', { ...good(), 'sec-websocket-key': key })), { ok: false, status: 400 });
    }),
    { numRuns: 200 },
  );
  fc.assert(
    fc.property(fc.option(fc.string({ maxLength: 12 }).filter((u) => u.toLowerCase() !== 'websocket'), { nil: undefined }), (upgrade) => {
      assert.deepEqual(pick(checkUpgrade('GET', { ...good(), upgrade })), { ok: false, status: 400 });
    }),
    { numRuns: 100 },
  );
  const badList = fc.oneof(
    fc.constantFrom('', ' ', ',', 'a,', ',a', 'a,,b', 'a b', 'a/b', '"a"', 'a;b', 'a=b', 'ä', 'a\u0000', '(a)', 'a@b', '[a]', '{a}', 'a:b', 'a?'),
    fc.tuple(fc.array(tokenArb, { maxLength: 3 }), fc.constantFrom('', 'x y', 'a/b', '"q"', ' '), fc.array(tokenArb, { maxLength: 3 })).map(([a, bad, b]) => [...a, bad, ...b].join(', ')),
  );
  fc.assert(
    fc.property(badList, (list) => {
      assert.deepEqual(pick(checkUpgrade('GET', { ...good(), 'sec-websocket-protocol': list })), { ok: false, status: 400 });
    }),
    { numRuns: 200 },
  );
});

function pick(r: ReturnType<typeof checkUpgrade>): { ok: boolean; status?: number } {
  return r.ok ? { ok: true } : { ok: false, status: r.status };
}

test('checkUpgrade: never throws, whatever the method and header strings; a verdict is always well-formed (property)', () => {
  const headerArb = fc.option(
    fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), keyArb, fc.constantFrom('websocket', '13', '8', 'a, b')),
    { nil: undefined },
  );
  fc.assert(
    fc.property(fc.option(fc.oneof(fc.constant('GET'), fc.string({ maxLength: 8 })), { nil: undefined }), headerArb, headerArb, headerArb, headerArb, (method, upgrade, key, version, protocol) => {
      const r = checkUpgrade(method, { upgrade, 'sec-websocket-key': key, 'sec-websocket-version': version, 'sec-websocket-protocol': protocol });
      if (r.ok) {
        assert.match(r.key, /^[+/0-9A-Za-z]{22}==$/);
        if (r.protocol !== undefined) assert.match(r.protocol, /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/);
        // The response built from an accepted check is a single, well-formed header block.
        const response = switchingProtocols(r.key, r.protocol);
        assert.equal(response.indexOf('\r\n\r\n'), response.length - 4);
      } else {
        assert.ok(r.status === 400 || r.status === 405);
        assert.ok(r.reason.length > 0);
      }
    }),
    { numRuns: 1000 },
  );
});

// --- Resource limits of fragmented messages ---

test('FrameReader: a continuation frame longer than what is left of the message budget fails with 1009 from its header alone', () => {
  const reader = new Recorder(100);
  reader.read(encode({ fin: false, opcode: OP.text, payload: Buffer.from('a'.repeat(60)), mask: Buffer.from([1, 2, 3, 4]) }));
  // Only the header of a 41-byte continuation: 60 + 41 > 100, refused before its payload arrives.
  reader.read(encodeHeader({ fin: true, opcode: OP.continuation }, 41));
  assert.deepEqual(reader.events, [{ type: 'error', code: 1009 }]);
});

test('FrameReader: control frames inside a fragmented message keep their own 125 bytes whatever the message budget left', () => {
  const reader = new Recorder(100);
  const mask = Buffer.from([9, 8, 7, 6]);
  reader.read(encode({ fin: false, opcode: OP.text, payload: Buffer.from('a'.repeat(90)), mask }));
  reader.read(encode({ fin: true, opcode: OP.ping, payload: Buffer.alloc(50, 1), mask }));
  reader.read(encode({ fin: true, opcode: OP.continuation, payload: Buffer.from('b'.repeat(10)), mask }));
  assert.deepEqual(
    reader.events.map((e) => e.type),
    ['ping', 'message'],
  );
});

test(`FrameReader: a message in more than ${MAX_FRAGMENTS} non-empty fragments fails with 1009 (tiny fragments would cost far more memory than they carry)`, () => {
  const mask = Buffer.from([1, 1, 1, 1]);
  const frames = [encode({ fin: false, opcode: OP.text, payload: Buffer.from('a'), mask })];
  for (let i = 1; i < MAX_FRAGMENTS; i++) frames.push(encode({ fin: false, opcode: OP.continuation, payload: Buffer.from('b'), mask }));
  const atLimit = new Recorder(1 << 20);
  atLimit.read(Buffer.concat([...frames, encode({ fin: true, opcode: OP.continuation, payload: Buffer.alloc(0), mask })]));
  assert.deepEqual(atLimit.events, [{ type: 'message', text: `a${'b'.repeat(MAX_FRAGMENTS - 1)}`, binary: false }]);
  const over = new Recorder(1 << 20);
  over.read(Buffer.concat([...frames, encode({ fin: true, opcode: OP.continuation, payload: Buffer.from('c'), mask })]));
  assert.deepEqual(over.events, [{ type: 'error', code: 1009 }]);
});
