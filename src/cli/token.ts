/**
 * `roomcast token`: prints an HS256 JWT for development, one that `roomcast serve --jwt-secret` with the same
 * secret accepts (`sub` from `--user`, `allowed_rooms` from `--rooms`, `iat`/`exp` from `--ttl`).
 *
 * @example
 * roomcast token --secret S --user 42 --rooms '[{"chat":"lobby"}]' --ttl 1h
 *
 * @module
 */
import { checkAllowedRooms } from '../auth/allowed-rooms.js';
import { signJwt } from '../auth/jwt-sign.js';
import { isJsonObject, parseJson } from '../wire/json.js';
import { parseArgv } from './argv.js';
import type { Flag } from './flags.js';

/** `roomcast token`'s lines of `roomcast --help`. */
export const TOKEN_HELP = [
  '  roomcast token --secret S [--user ID] [--rooms JSON] [--ttl 1h] [--claims JSON]',
  '                             print a development HS256 JWT that `roomcast serve --jwt-secret S` accepts:',
  '                             sub ID (a string), allowed_rooms JSON (a list of rooms), iat now, exp after',
  '                             --ttl (N s, Nm, Nh or Nd; default 1h), plus the claims of the --claims object;',
  '                             the secret may come from ROOMCAST_JWT_SECRET instead',
];

/** The flags of `roomcast token`, read by the same parser as `roomcast serve`'s. */
const TOKEN_FLAGS: readonly Flag[] = [
  { name: 'secret', type: 'string', arg: 'S', help: 'the HS256 secret' },
  { name: 'user', type: 'string', arg: 'ID', help: 'the sub claim' },
  { name: 'rooms', type: 'string', arg: 'JSON', help: 'the allowed_rooms claim' },
  { name: 'ttl', type: 'string', arg: 'DURATION', help: 'lifetime' },
  { name: 'claims', type: 'string', arg: 'JSON', help: 'more claims' },
];

/** The token for `argv` (the arguments after `token`), or every problem with them. Pure apart from the clock. */
export function mintToken(argv: readonly string[], env: Readonly<Record<string, string | undefined>>, nowMs = Date.now()): { token: string } | { problems: string[] } {
  const parsed = parseArgv(argv, TOKEN_FLAGS);
  const problems = [...parsed.problems, ...parsed.positionals.map((word) => `unexpected argument "${word}" (roomcast token takes flags only)`)];
  const given = parsed.values as ReadonlyMap<string, string>;
  const secret = given.get('secret') ?? env.ROOMCAST_JWT_SECRET;
  if (secret === undefined || secret === '') problems.push('--secret: the HS256 secret is needed (the one given to roomcast serve --jwt-secret), or ROOMCAST_JWT_SECRET');
  const ttlSec = parseTtl(given.get('ttl') ?? '1h');
  if (ttlSec === undefined) problems.push(`--ttl: "${given.get('ttl')}" is not a duration like 90, 90s, 15m, 1h or 7d`);
  let claims: Record<string, unknown> = {};
  const extra = given.get('claims');
  if (extra !== undefined) {
    const parsed = parseJson(extra);
    // Spread, not Object.assign: a "__proto__" key stays a claim instead of setting the object's prototype.
    if (parsed.ok && isJsonObject(parsed.value)) claims = { ...parsed.value };
    else problems.push('--claims: not a JSON object');
  }
  const user = given.get('user');
  if (user !== undefined) claims.sub = user;
  const rooms = given.get('rooms');
  if (rooms !== undefined) {
    const parsed = parseJson(rooms);
    // The server's own check of the claim, so a token minted here is never refused for its rooms.
    const checked = parsed.ok ? checkAllowedRooms(parsed.value) : undefined;
    if (!parsed.ok || checked === undefined) problems.push('--rooms: not JSON (a list of room objects, e.g. \'[{"chat":"lobby"}]\')');
    else if (!('rooms' in checked)) problems.push(`--rooms: ${'denied' in checked ? checked.denied : checked.malformed}`);
    // Written as JSON.stringify writes it, as JSON.parse's value would be (a JsonNumber gives its double).
    else claims.allowed_rooms = parsed.value;
  }
  if (problems.length > 0 || secret === undefined || ttlSec === undefined) return { problems };
  return { token: signJwt(claims, secret, { ttlSec, nowMs }) };
}

/** Seconds of `90`, `90s`, `15m`, `1h` or `7d`; `undefined` for anything else or zero. */
export function parseTtl(text: string): number | undefined {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (match === null) return undefined;
  const seconds = Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}
