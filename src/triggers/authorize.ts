/**
 * Who may trigger: the holder of the shared secret, sent as `Authorization: Bearer <secret>` (or as the password
 * of HTTP Basic auth, so django-binder's `HIGH_TEMPLAR_URL=http://roomcast:<secret>@host:port` works unchanged),
 * or — only when explicitly allowed — anyone on the loopback interface.
 *
 * @module
 */
import { timingSafeEqual } from 'node:crypto';

/** The trigger endpoint's protection. */
export interface TriggerAuthOptions {
  /** The shared secret. */
  readonly secret?: string;
  /** Accept unauthenticated triggers from 127.0.0.0/8 and ::1. @default false */
  readonly allowLoopback?: boolean;
}

/** Why a trigger was refused, or `undefined` when it may proceed. */
export function refuseTrigger(
  authorization: string | undefined,
  remoteAddress: string | undefined,
  options: TriggerAuthOptions,
): string | undefined {
  if (options.secret !== undefined && options.secret !== '') {
    const given = presentedSecret(authorization);
    if (given !== undefined && sameSecret(given, options.secret)) return undefined;
  }
  if (options.allowLoopback === true && isLoopback(remoteAddress)) return undefined;
  if (options.secret === undefined || options.secret === '') {
    return options.allowLoopback === true
      ? 'triggers are accepted from loopback only'
      : 'triggers are disabled: configure a trigger secret (or allow loopback)';
  }
  return 'missing or wrong trigger secret';
}

function presentedSecret(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const space = header.indexOf(' ');
  if (space === -1) return undefined;
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme !== 'basic') return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon === -1 ? undefined : decoded.slice(colon + 1);
}

function sameSecret(given: string, secret: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether an address is on the loopback interface (IPv4, IPv6, or IPv4-mapped IPv6). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
}
