/**
 * `roomcast token`: the tokens it mints are accepted by the verifier `--jwt-secret` configures, with the claims
 * asked for; bad arguments are all listed; and, as a real process, the quick start's flow on the source tree:
 * serve with --jwt-secret and --trigger-secret, a minted token connects, a trigger arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import WebSocket from 'ws';
import { createJwtVerifier } from '../../src/auth/jwt.js';
import { signJwt } from '../../src/auth/jwt-sign.js';
import { mintToken, parseTtl } from '../../src/cli/token.js';
import { TemplarClient } from '../../src/client/index.js';
import { trigger } from '../helpers/server.js';
import { listening, run } from '../helpers/cli.js';

const now = Date.now();
const claimsOf = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

test('a minted token is accepted by the --jwt-secret verifier and carries sub, allowed_rooms, iat and exp', async () => {
  const minted = mintToken(['--secret', 'S', '--user', '42', '--rooms', '[{"chat":"lobby"}]', '--ttl', '1h'], {}, now);
  assert.ok('token' in minted);
  const verdict = await createJwtVerifier({ secret: 'S' })(minted.token);
  assert.ok('claims' in verdict, JSON.stringify(verdict));
  const iat = Math.floor(now / 1000);
  assert.deepEqual(claimsOf(minted.token), { sub: '42', allowed_rooms: [{ chat: 'lobby' }], iat, exp: iat + 3600 });
  assert.deepEqual(await createJwtVerifier({ secret: 'other' })(minted.token), { error: 'bad signature' });
  const fromEnv = mintToken(['--ttl=15m', '--claims', '{"aud":"app","__proto__":{"x":1}}'], { ROOMCAST_JWT_SECRET: 'E' }, now);
  assert.ok('token' in fromEnv);
  assert.ok('claims' in (await createJwtVerifier({ secret: 'E', audience: 'app' })(fromEnv.token)));
  assert.deepEqual(Object.keys(claimsOf(fromEnv.token)), ['aud', '__proto__', 'iat', 'exp']);
  assert.equal(claimsOf(fromEnv.token).exp, iat + 900);
});

test('bad arguments are listed at once; rooms are checked as the server checks them', () => {
  assert.deepEqual(mintToken(['--rooms', '"x"', '--ttl', '0', '--bogus', '--claims', '[]'], {}, now), {
    problems: [
      'unknown flag --bogus (see roomcast --help)',
      '--secret: the HS256 secret is needed (the one given to roomcast serve --jwt-secret), or ROOMCAST_JWT_SECRET',
      '--ttl: "0" is not a duration like 90, 90s, 15m, 1h or 7d',
      '--claims: not a JSON object',
      '--rooms: allowed_rooms is not a list',
    ],
  });
  assert.deepEqual(mintToken(['--secret', 'S', '--rooms', '[1]'], {}, now), { problems: ['--rooms: allowed_rooms holds an element that is not a room object'] });
  assert.deepEqual(mintToken(['--secret', 'S', '--rooms', 'nope'], {}, now), { problems: ['--rooms: not JSON (a list of room objects, e.g. \'[{"chat":"lobby"}]\')'] });
  const misspelt = mintToken(['--secrte', 'S', 'extra', '--user', '1'], {}, now);
  assert.ok('problems' in misspelt);
  assert.deepEqual(misspelt.problems.slice(0, 2), [
    'unknown flag --secrte (did you mean --secret?)',
    'unexpected argument "extra" (roomcast token takes flags only)',
  ]);
  assert.deepEqual(mintToken(['--secret'], {}, now), { problems: ['--secret: missing its value S', '--secret: the HS256 secret is needed (the one given to roomcast serve --jwt-secret), or ROOMCAST_JWT_SECRET'] });
});

test('--ttl: N, Ns, Nm, Nh, Nd; nothing else', () => {
  assert.deepEqual(['90', '90s', '15m', '1h', '7d'].map(parseTtl), [90, 90, 900, 3600, 604800]);
  for (const bad of ['', '0', '0h', '1.5h', '-1', '1w', 'h', '1 h', '99999999999999999999']) assert.equal(parseTtl(bad), undefined, bad);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 10_000 }), fc.constantFrom(['', 1], ['s', 1], ['m', 60], ['h', 3600], ['d', 86400] as const), (n, [unit, factor]) => {
      assert.equal(parseTtl(`${n}${unit}`), n * (factor as number));
    }),
  );
  assert.throws(() => signJwt({}, ''), TypeError);
  assert.throws(() => signJwt({}, process.env.ROOMCAST_TEST_UNSET_SECRET as string), { message: 'signJwt: the secret is missing or empty' });
  assert.throws(() => signJwt({}, 's', { ttlSec: 0 }), TypeError);
});

test('the quick start on the source tree: serve --jwt-secret --trigger-secret, a token from roomcast token, a trigger arrives', async () => {
  const minting = run(['token', '--secret', 'dev-jwt-secret', '--user', '42', '--rooms', '[{"chat":"lobby"}]', '--ttl', '1h']);
  assert.equal(await minting.exit, 0, minting.err());
  const token = minting.out().trim();
  const bad = run(['token', '--user', '42']);
  assert.equal(await bad.exit, 2);
  assert.match(bad.err(), /^roomcast token: invalid arguments:\n {2}- --secret: the HS256 secret is needed/);

  const server = run(['serve', '--port', '0', '--jwt-secret', 'dev-jwt-secret', '--trigger-secret', 'dev-trigger-secret']);
  let client: TemplarClient | undefined;
  try {
    const url = await listening(server);
    client = new TemplarClient(`${url.replace('http', 'ws')}/ws/`, { token, WebSocket });
    const got: unknown[] = [];
    await client.subscribe({ chat: 'lobby' }, (data) => got.push(data));
    await assert.rejects(client.subscribe({ chat: 'staff' }, () => undefined), { error: 'room-not-found' });
    assert.equal((await trigger(url, { rooms: [{ chat: 'lobby' }], data: { text: 'hello' } }, { authorization: 'Bearer dev-trigger-secret' })).status, 200);
    assert.equal((await trigger(url, { rooms: [{ chat: 'lobby' }], data: 1 }, { authorization: 'Bearer wrong' })).status, 401);
    const deadline = Date.now() + 5000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got, [{ text: 'hello' }]);
  } finally {
    client?.close();
    server.child.kill('SIGTERM');
    await server.exit;
  }
});

test('--claims and --rooms are parsed once each (parseJson, the server own parser), and written as JSON.parse would read them', () => {
  const parse = JSON.parse;
  let calls = 0;
  JSON.parse = ((...args: Parameters<typeof JSON.parse>) => {
    calls++;
    return parse(...args);
  }) as typeof JSON.parse;
  let minted;
  try {
    minted = mintToken(['--secret', 'S', '--claims', '{"aud":"app","n":1.0,"big":12345678901234567890}', '--rooms', '[{"chat":"lobby","id":2.50}]'], {}, now);
  } finally {
    JSON.parse = parse;
  }
  assert.equal(calls, 0, 'JSON.parse calls while minting');
  assert.ok('token' in minted, JSON.stringify(minted));
  assert.deepEqual(claimsOf(minted.token), { aud: 'app', n: 1, big: Number('12345678901234567890'), allowed_rooms: [{ chat: 'lobby', id: 2.5 }], iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 3600 });
});
