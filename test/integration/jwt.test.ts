/**
 * JWT auth on a live server: a valid token connects with the rooms its claims allow; a bad one is refused as the
 * dialect refuses (templar: is_authorized false; rohrpost: close 4001); a connection closes with 4003 when its
 * token expires.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createJwtAuth } from '../../src/auth/jwt.js';
import { connect } from '../helpers/client.js';
import { start } from '../helpers/server.js';

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
function token(claims: object, secret = 'k'): string {
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

test('valid, invalid and expiring tokens', async () => {
  const rc = await start({ auth: createJwtAuth({ secret: 'k' }) });
  try {
    const ok = await connect(`${rc.wsUrl}?jwt_token=${token({ sub: 'u1', allowed_rooms: [{ room: 1 }] })}`);
    assert.deepEqual(await ok.next(), { is_authorized: true, allowed_rooms: [{ room: 1 }] });
    await ok.close();

    const bad = await connect(`${rc.wsUrl}?jwt_token=${token({ sub: 'u1' }, 'wrong')}`);
    assert.deepEqual(await bad.next(), { is_authorized: false });
    assert.equal((await bad.closed).code, 1000);
    const badRohrpost = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/?jwt_token=nope`);
    assert.equal((await badRohrpost.closed).code, 4001);

    const exp = Math.floor(Date.now() / 1000) + 2;
    const expiring = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/`, { headers: { authorization: `Bearer ${token({ sub: 'u2', exp })}` } });
    assert.deepEqual(await expiring.ask({ type: 'ping', id: 1 }), { id: 1, type: 'pong' });
    const closed = await expiring.closed;
    assert.deepEqual(closed, { code: 4003, reason: 'credentials expired' });
    assert.ok(Date.now() >= exp * 1000, 'not before the token expired');
  } finally {
    await rc.close();
  }
});

test('one expiry rule on a live server: a token accepted past exp stays open until exp + tolerance, then closes 4003', async () => {
  // clockToleranceSec 13: a token 10 s past exp connects and lives 2-3 more seconds (with the default, 20 more);
  // the sweep closes expired connections within a second, so closing on exp would come too early.
  const rc = await start({ auth: createJwtAuth({ secret: 'k', clockToleranceSec: 13 }) });
  try {
    const exp = Math.floor(Date.now() / 1000) - 10;
    const late = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/`, { headers: { authorization: `Bearer ${token({ sub: 'u3', exp })}` } });
    assert.deepEqual(await late.ask({ type: 'ping', id: 1 }), { id: 1, type: 'pong' });
    assert.deepEqual(await late.closed, { code: 4003, reason: 'credentials expired' });
    assert.ok(Date.now() >= (exp + 13) * 1000, 'not before exp + tolerance, when the upgrade would refuse the token');
    const refused = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/`, { headers: { authorization: `Bearer ${token({ sub: 'u3', exp })}` } });
    assert.equal((await refused.closed).code, 4001, 'past exp + tolerance the upgrade refuses it');
  } finally {
    await rc.close();
  }
});

test('bad claims are refused at the upgrade: a string exp, allowed_rooms "x" or null', async () => {
  const rc = await start({ auth: createJwtAuth({ secret: 'k' }) });
  try {
    for (const claims of [{ sub: 'u', exp: '1796174166' }, { sub: 'u', allowed_rooms: 'x' }, { sub: 'u', allowed_rooms: null }]) {
      const templar = await connect(`${rc.wsUrl}?jwt_token=${token(claims)}`);
      assert.deepEqual(await templar.next(), { is_authorized: false }, JSON.stringify(claims));
      assert.equal((await templar.closed).code, 1000);
      const rohrpost = await connect(`ws://127.0.0.1:${rc.port}/ws/rohrpost/?jwt_token=${token(claims)}`);
      assert.equal((await rohrpost.closed).code, 4001, JSON.stringify(claims));
    }
  } finally {
    await rc.close();
  }
});
