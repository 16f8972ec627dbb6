/**
 * The server side of the WebSocket opening handshake (RFC 6455 §4.2): which upgrade requests are acceptable, and
 * the `101 Switching Protocols` response. Pure: headers in, a verdict or response text out.
 *
 * @example
 * const check = checkUpgrade(req.method, req.headers);
 * if (check.ok) socket.write(switchingProtocols(check.key, check.protocol));
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The GUID every server appends to the client's key (RFC 6455 §1.3). */
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Base64 of 16 bytes. */
const KEY = /^[+/0-9A-Za-z]{22}==$/;
/** An HTTP token (RFC 7230 §3.2.6), the syntax of a subprotocol name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** An acceptable upgrade, or why not (an HTTP status, a short public text, extra response headers). */
export type UpgradeCheck =
  | { readonly ok: true; readonly key: string; readonly protocol: string | undefined }
  | { readonly ok: false; readonly status: 400 | 405; readonly reason: string; readonly headers?: string };

/**
 * Checks an upgrade request: GET, `Upgrade: websocket`, a well-formed key, version 13 (or 8, the same framing,
 * still sent by some old clients). The first subprotocol the client offers is accepted, if any: servers that
 * ignore the header break browsers that sent one.
 */
export function checkUpgrade(method: string | undefined, headers: IncomingHttpHeaders): UpgradeCheck {
  if (method !== 'GET') return { ok: false, status: 405, reason: 'a WebSocket upgrade must be a GET request' };
  if (headers.upgrade?.toLowerCase() !== 'websocket') return { ok: false, status: 400, reason: 'missing or invalid Upgrade header' };
  const key = headers['sec-websocket-key'];
  if (key === undefined || !KEY.test(key)) return { ok: false, status: 400, reason: 'missing or invalid Sec-WebSocket-Key header' };
  const version = headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') {
    return { ok: false, status: 400, reason: 'unsupported Sec-WebSocket-Version', headers: 'Sec-WebSocket-Version: 13, 8\r\n' };
  }
  const offered = headers['sec-websocket-protocol'];
  if (offered === undefined) return { ok: true, key, protocol: undefined };
  const protocols = offered.split(',').map((p) => p.trim());
  if (!protocols.every((p) => TOKEN.test(p))) return { ok: false, status: 400, reason: 'invalid Sec-WebSocket-Protocol header' };
  return { ok: true, key, protocol: protocols[0] };
}

/** `Sec-WebSocket-Accept` for a client's key. */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** The complete `101 Switching Protocols` response accepting `key` (and `protocol`, if one was chosen). */
export function switchingProtocols(key: string, protocol: string | undefined): string {
  return (
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n` +
    (protocol === undefined ? '' : `Sec-WebSocket-Protocol: ${protocol}\r\n`) +
    '\r\n'
  );
}
