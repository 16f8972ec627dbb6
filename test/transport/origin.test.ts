import { test } from 'node:test';
import assert from 'node:assert/strict';
import { originAllowed } from '../../src/transport/origin.js';

test('origin allow-list', () => {
  assert.ok(originAllowed('https://evil.example', undefined));
  assert.ok(originAllowed(undefined, ['https://app.example.com']));
  assert.ok(originAllowed('https://app.example.com', ['https://app.example.com']));
  assert.ok(originAllowed('HTTPS://APP.example.com', ['https://app.example.com']));
  assert.equal(originAllowed('https://evil.example', ['https://app.example.com']), false);
  assert.ok(originAllowed('https://a.example.com', ['https://*.example.com']));
  assert.ok(originAllowed('https://a.b.example.com', ['https://*.example.com']));
  assert.equal(originAllowed('https://example.com', ['https://*.example.com']), false);
  assert.equal(originAllowed('http://a.example.com', ['https://*.example.com']), false);
  assert.equal(originAllowed('https://evilexample.com', ['https://*.example.com']), false);
  assert.ok(originAllowed('https://anything', ['*']));
});
