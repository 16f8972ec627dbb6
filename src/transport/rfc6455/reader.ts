/**
 * The receiving half of a server-side WebSocket (RFC 6455 §5-7), without I/O: bytes in (`read`), events out
 * (`onMessage`, `onPing`, `onPong`, `onCloseFrame`, `onProtocolError`). It reassembles fragmented messages, lets
 * control frames interleave, checks text is UTF-8 and messages stay within the limit. After a close frame or a
 * protocol error it reads nothing more. A subclass adds the socket; tests subclass it to record events.
 *
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { CloseCode } from '../../wire/close-codes.js';
import { Opcode, decodeFrame, isValidCloseCode } from './frames.js';

/** Fragments (with data) one message may arrive in; browsers send whole messages, other clients a few pieces. */
export const MAX_FRAGMENTS = 1024;

export abstract class FrameReader {
  /** Chunks holding a frame not complete yet (absent between frames: an idle connection holds no buffer). */
  #partial: Buffer[] | undefined = undefined;
  #partialBytes = 0;
  /** Bytes the incomplete frame needs before decoding is worth trying again. */
  #need = 0;
  /** Fragments of the message being received (absent unless a fragmented message is open). */
  #fragments: Buffer[] | undefined = undefined;
  #fragmentBytes = 0;
  #fragmentedText = false;
  #done = false;

  /** The largest message accepted, in bytes (across its fragments). */
  protected abstract readonly maxPayload: number;

  /** A complete message: text, or binary read as UTF-8 text. */
  protected abstract onMessage(text: string, binary: boolean): void;
  protected abstract onPing(payload: Buffer): void;
  protected abstract onPong(payload: Buffer): void;
  /** The client's close frame: `code` undefined when it carried none. Nothing more is read. */
  protected abstract onCloseFrame(code: number | undefined, reason: string): void;
  /** The client broke the protocol: fail the connection with `code` (1002, 1007, 1009). Nothing more is read. */
  protected abstract onProtocolError(code: number, reason: string): void;

  /** Stops reading: later bytes are ignored. */
  protected stopReading(): void {
    this.#done = true;
    this.#partial = undefined;
    this.#fragments = undefined;
  }

  /** Consumes bytes from the client. */
  read(chunk: Buffer): void {
    if (this.#done) return;
    let input = chunk;
    const partial = this.#partial;
    if (partial !== undefined) {
      // A large frame arrives in many chunks: they are joined once, when all of it is there.
      partial.push(chunk);
      this.#partialBytes += chunk.length;
      if (this.#partialBytes < this.#need) return;
      input = Buffer.concat(partial, this.#partialBytes);
      this.#partial = undefined;
    }
    let offset = 0;
    while (offset < input.length && !this.#done) {
      // Within a fragmented message, a data frame may only carry what is left of the message's budget.
      const decoded = decodeFrame(input, offset, this.maxPayload, this.#fragments === undefined ? this.maxPayload : this.maxPayload - this.#fragmentBytes);
      if (decoded.kind === 'incomplete') {
        // A small remainder is copied: a view would keep the whole input alive while the client idles mid-frame.
        const rest = input.subarray(offset);
        this.#partial = [rest.length < 1024 && input.length > 4 * rest.length ? Buffer.from(rest) : rest];
        this.#partialBytes = input.length - offset;
        this.#need = decoded.need;
        return;
      }
      if (decoded.kind === 'error') return this.#fail(decoded.code, decoded.reason);
      offset = decoded.end;
      this.#frame(decoded.fin, decoded.opcode, decoded.payload);
    }
  }

  #frame(fin: boolean, opcode: number, payload: Buffer): void {
    switch (opcode) {
      case Opcode.Text:
      case Opcode.Binary:
        if (this.#fragments !== undefined) return this.#fail(CloseCode.ProtocolError, 'new message before the last one ended');
        if (fin) return this.#message(payload, opcode === Opcode.Text);
        this.#fragments = [payload];
        this.#fragmentBytes = payload.length;
        this.#fragmentedText = opcode === Opcode.Text;
        return;
      case Opcode.Continuation: {
        const fragments = this.#fragments;
        if (fragments === undefined) return this.#fail(CloseCode.ProtocolError, 'continuation frame without a message');
        this.#fragmentBytes += payload.length;
        if (this.#fragmentBytes > this.maxPayload) return this.#fail(CloseCode.MessageTooBig, `message larger than ${this.maxPayload} bytes`);
        // An empty fragment adds nothing, and kept it would cost a Buffer object that no limit counts: a flood of
        // 6-byte empty continuation frames would otherwise grow the heap without bound.
        if (payload.length > 0) {
          // Each kept fragment is a Buffer object: tiny fragments must not cost far more memory than they carry.
          if (fragments.length >= MAX_FRAGMENTS) return this.#fail(CloseCode.MessageTooBig, `message in more than ${MAX_FRAGMENTS} fragments`);
          fragments.push(payload);
        }
        if (!fin) return;
        this.#fragments = undefined;
        return this.#message(Buffer.concat(fragments, this.#fragmentBytes), this.#fragmentedText);
      }
      case Opcode.Ping:
        return this.onPing(payload);
      case Opcode.Pong:
        return this.onPong(payload);
      default:
        return this.#close(payload);
    }
  }

  #message(payload: Buffer, text: boolean): void {
    if (text && !isUtf8(payload)) return this.#fail(CloseCode.InvalidPayload, 'text message is not valid UTF-8');
    this.onMessage(payload.toString(), !text);
  }

  #close(payload: Buffer): void {
    if (payload.length === 0) {
      this.stopReading();
      return this.onCloseFrame(undefined, '');
    }
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 0;
    if (!isValidCloseCode(code)) return this.#fail(CloseCode.ProtocolError, 'invalid close frame');
    const reason = payload.subarray(2);
    if (!isUtf8(reason)) return this.#fail(CloseCode.InvalidPayload, 'close reason is not valid UTF-8');
    this.stopReading();
    this.onCloseFrame(code, reason.toString());
  }

  #fail(code: number, reason: string): void {
    this.stopReading();
    this.onProtocolError(code, reason);
  }
}
