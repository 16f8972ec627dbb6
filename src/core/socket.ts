/**
 * The four things core and dialects need of a WebSocket. `transport/ws-socket.ts` implements it over `ws`;
 * tests may implement it with an array.
 *
 * @module
 */

/** A server-side WebSocket as core sees it. */
export interface Socket {
  /** Sends one text frame. */
  send(data: Buffer | string): void;
  /** Bytes accepted by `send` and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  /** Starts the closing handshake. */
  close(code: number, reason: string): void;
  /** Destroys the connection at once, without a handshake. */
  terminate(): void;
}
