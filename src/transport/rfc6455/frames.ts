/**
 * WebSocket frames (RFC 6455 §5): decoding what a client sends (always masked), encoding what the server sends
 * (never masked). Pure functions over Buffers; the stateful part (fragments, control frames, closing) is
 * {@link FrameReader} in `reader.ts`.
 *
 * @module
 */
import { CloseCode } from '../../wire/close-codes.js';

/** Frame opcodes (RFC 6455 §5.2). */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** One decoded client frame; `payload` is unmasked (a new Buffer, the input is not modified). */
export interface Frame {
  readonly kind: 'frame';
  readonly fin: boolean;
  readonly opcode: number;
  readonly payload: Buffer;
  /** Offset just past this frame in the input. */
  readonly end: number;
}

/** A frame the client must not send: the connection fails with `code`. */
export interface FrameError {
  readonly kind: 'error';
  readonly code: number;
  readonly reason: string;
}

/** The input ends inside a frame: wait until at least `need` bytes (from the frame's start) are there. */
export interface Incomplete {
  readonly kind: 'incomplete';
  readonly need: number;
}

export type Decoded = Frame | FrameError | Incomplete;

const incomplete = (need: number): Incomplete => ({ kind: 'incomplete', need });

const fail = (code: number, reason: string): FrameError => ({ kind: 'error', code, reason });

/**
 * Decodes the frame starting at `offset`. Everything a server must refuse of a single frame is refused here:
 * reserved bits (no extension is ever negotiated), unknown opcodes, an unmasked frame, a fragmented or long
 * control frame, a payload above `maxPayload` (checked from the header, before the payload arrives; a data frame
 * continuing a message is held to `maxDataPayload`, what is left of the message's limit).
 */
export function decodeFrame(input: Buffer, offset: number, maxPayload: number, maxDataPayload = maxPayload): Decoded {
  const available = input.length - offset;
  if (available < 2) return incomplete(2);
  const b0 = input[offset] as number;
  const b1 = input[offset + 1] as number;
  if ((b0 & 0x70) !== 0) return fail(CloseCode.ProtocolError, 'reserved bits set');
  const opcode = b0 & 0x0f;
  const fin = (b0 & 0x80) !== 0;
  const control = opcode >= Opcode.Close;
  if (opcode > Opcode.Binary && !(control && opcode <= Opcode.Pong)) return fail(CloseCode.ProtocolError, `unknown opcode ${opcode}`);
  if ((b1 & 0x80) === 0) return fail(CloseCode.ProtocolError, 'client frames must be masked');
  let length = b1 & 0x7f;
  let header = 2;
  if (control && (!fin || length > 125)) return fail(CloseCode.ProtocolError, 'control frames must be whole and at most 125 bytes');
  if (length === 126) {
    if (available < 4) return incomplete(4);
    length = input.readUInt16BE(offset + 2);
    header = 4;
  } else if (length === 127) {
    if (available < 10) return incomplete(10);
    const high = input.readUInt32BE(offset + 2);
    // The most significant bit must be 0 (§5.2); anything at or above 2^53 is beyond every limit anyway.
    if (high > 0x1fffff) return fail(high >= 0x80000000 ? CloseCode.ProtocolError : CloseCode.MessageTooBig, 'invalid payload length');
    length = high * 0x100000000 + input.readUInt32BE(offset + 6);
    header = 10;
  }
  // Data frames of a fragmented message share the message's budget (`maxDataPayload`); control frames keep theirs.
  if (length > (control ? maxPayload : maxDataPayload)) return fail(CloseCode.MessageTooBig, `message larger than ${maxPayload} bytes`);
  const start = offset + header + 4;
  const end = start + length;
  if (input.length < end) return incomplete(end - offset);
  return { kind: 'frame', fin, opcode, payload: unmask(input, start - 4, start, length), end };
}

/** A copy of `length` bytes at `start`, XORed with the 4-byte key at `maskAt`. */
function unmask(input: Buffer, maskAt: number, start: number, length: number): Buffer {
  const out = Buffer.allocUnsafe(length);
  const m0 = input[maskAt] as number;
  const m1 = input[maskAt + 1] as number;
  const m2 = input[maskAt + 2] as number;
  const m3 = input[maskAt + 3] as number;
  let i = 0;
  for (const limit = length - 3; i < limit; i += 4) {
    out[i] = (input[start + i] as number) ^ m0;
    out[i + 1] = (input[start + i + 1] as number) ^ m1;
    out[i + 2] = (input[start + i + 2] as number) ^ m2;
    out[i + 3] = (input[start + i + 3] as number) ^ m3;
  }
  for (; i < length; i++) out[i] = (input[start + i] as number) ^ (input[maskAt + (i & 3)] as number);
  return out;
}

/** Whether `code` may appear in a close frame (§7.4): the defined codes minus the reserved ones, and 3000-4999. */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}

// Headers of unmasked final frames: prebuilt for every text length below 126, and the last longer one reused.
const SHORT_TEXT_HEADERS = Array.from({ length: 126 }, (_, n) => Buffer.from([0x80 | Opcode.Text, n]));
let lastLength = -1;
let lastHeader = SHORT_TEXT_HEADERS[0] as Buffer;

/** The header of an unmasked, final text frame carrying `length` bytes (§5.2). Shared: never modify it. */
export function textFrameHeader(length: number): Buffer {
  if (length < 126) return SHORT_TEXT_HEADERS[length] as Buffer;
  if (length === lastLength) return lastHeader;
  lastHeader = frameHeader(Opcode.Text, length);
  lastLength = length;
  return lastHeader;
}

function frameHeader(opcode: number, length: number): Buffer {
  if (length < 126) return Buffer.from([0x80 | opcode, length]);
  if (length < 65536) {
    const header = Buffer.allocUnsafe(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
    return header;
  }
  const header = Buffer.allocUnsafe(10);
  header[0] = 0x80 | opcode;
  header[1] = 127;
  header.writeUInt32BE(Math.floor(length / 0x100000000), 2);
  header.writeUInt32BE(length >>> 0, 6);
  return header;
}

/** A complete unmasked control frame (ping, pong) with `payload` (at most 125 bytes). */
export function controlFrame(opcode: number, payload: Buffer): Buffer {
  return Buffer.concat([frameHeader(opcode, payload.length), payload]);
}

/**
 * A close frame with `code` and `reason`; the reason is cut to fit the 125-byte control frame limit at a
 * character boundary. `code` undefined: an empty close frame (the reply to one that carried no code).
 */
export function closeFrame(code: number | undefined, reason = ''): Buffer {
  if (code === undefined) return Buffer.from([0x80 | Opcode.Close, 0]);
  let text = Buffer.from(reason);
  if (text.length > 123) text = Buffer.from(text.subarray(0, 123).toString().replace(/\uFFFD+$/, ''));
  const payload = Buffer.allocUnsafe(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return controlFrame(Opcode.Close, payload);
}
