/**
 * Just enough WebSocket for a load generator that costs the server nothing: the upgrade request, a streaming
 * parser of server frames (unmasked), and masked client frames. No WebSocket library, no per-frame allocation
 * beyond the payload slice the caller asks for.
 */
import { randomBytes } from 'node:crypto';

/** The HTTP upgrade request for `path`. */
export function upgradeRequest(host: string, path: string, headers: Record<string, string> = {}): string {
  const extra = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('');
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
  );
}

/** A masked text frame from the client. */
export function clientFrame(text: string, opcode = 0x1): Buffer {
  const payload = Buffer.from(text);
  const len = payload.length;
  const headLen = len < 126 ? 2 : len < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headLen + 4 + len);
  frame[0] = 0x80 | opcode;
  if (len < 126) frame[1] = 0x80 | len;
  else if (len < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(len, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(len), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, headLen);
  for (let i = 0; i < len; i++) frame[headLen + 4 + i] = (payload[i] as number) ^ (mask[i & 3] as number);
  return frame;
}

const EMPTY = Buffer.alloc(0);

/**
 * Parses the server's byte stream: first the HTTP response head, then frames. `onFrame` gets each complete
 * frame's opcode and payload (a view into the buffer: copy it to keep it). `push` may be given a view of a buffer
 * that is reused after it returns: what it keeps of an incomplete frame, it copies.
 */
export class FrameReader {
  #buf: Buffer = EMPTY;
  #upgraded = false;
  #onUpgrade: (status: number) => void;
  #onFrame: (opcode: number, payload: Buffer) => void;

  constructor(onUpgrade: (status: number) => void, onFrame: (opcode: number, payload: Buffer) => void) {
    this.#onUpgrade = onUpgrade;
    this.#onFrame = onFrame;
  }

  push(chunk: Buffer): void {
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    if (!this.#upgraded) {
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end === -1) {
        this.#buf = Buffer.from(this.#buf);
        return;
      }
      const status = Number(this.#buf.subarray(9, 12).toString());
      this.#upgraded = true;
      this.#buf = Buffer.from(this.#buf.subarray(end + 4));
      this.#onUpgrade(status);
    }
    let off = 0;
    const buf = this.#buf;
    while (buf.length - off >= 2) {
      const b1 = buf[off + 1] as number;
      let len = b1 & 0x7f;
      let head = 2;
      if (len === 126) {
        if (buf.length - off < 4) break;
        len = buf.readUInt16BE(off + 2);
        head = 4;
      } else if (len === 127) {
        if (buf.length - off < 10) break;
        len = Number(buf.readBigUInt64BE(off + 2));
        head = 10;
      }
      if (buf.length - off < head + len) break;
      this.#onFrame((buf[off] as number) & 0x0f, buf.subarray(off + head, off + head + len));
      off += head + len;
    }
    this.#buf = off === buf.length ? EMPTY : Buffer.from(buf.subarray(off));
  }
}
