import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionAddress, parseAddress } from '../../src/core/address.js';
import { newId } from '../../src/core/id.js';

test('an address names the node and the connection, and parses back', () => {
  const id = newId();
  assert.equal(connectionAddress('node-a', id), `node-a/${id}`);
  assert.deepEqual(parseAddress(connectionAddress('node-a', id)), { node: 'node-a', connection: id });
  // A node id with a slash (chosen by the app) still parses: connection ids never hold one.
  assert.deepEqual(parseAddress(`eu/west/1/${id}`), { node: 'eu/west/1', connection: id });
});

test('a malformed address is a TypeError', () => {
  for (const bad of ['', 'no-slash', '/only-connection', 'only-node/', '/', 42, null, undefined, { node: 'a' }]) {
    assert.throws(() => parseAddress(bad), TypeError, `${String(bad)} should not parse`);
  }
});
