/**
 * What core needs of a WebSocket. `transport/ws-socket.ts` implements it over `ws`; tests may implement it with
 * an array.
 *
 * @module
 */

/** A server-side WebSocket as core sees it. */
export interface Socket {
  /** Sends one text frame. */
  sendText(data: Buffer | string): void;
  /**
   * Sends one text frame whose payload is `head` followed by `tail` (`tailBytes` long in UTF-8), without
   * copying `head`: fan-out writes the same `head` to every member.
   */
  sendParts(head: Buffer, tail: string | undefined, tailBytes: number): void;
  /** Bytes accepted and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  /** Whether the socket is backed up: a write has been refused and `onceDrained` listeners will be called. */
  readonly backedUp: boolean;
  /** Calls `listener` once when the bytes buffered so far have been handed to the kernel. */
  onceDrained(listener: () => void): void;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Destroys the connection at once, without a handshake. */
  terminate(): void;
}
