import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crossSite, originAllowed } from '../../src/transport/origin.js';

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

test('cross-site: an Origin that is neither the request host nor listed', () => {
  assert.equal(crossSite(undefined, 'api.example.com', undefined), false, 'no Origin: not a browser');
  assert.equal(crossSite('https://api.example.com', 'api.example.com', undefined), false);
  assert.equal(crossSite('https://API.example.com', 'api.EXAMPLE.com', undefined), false);
  assert.equal(crossSite('http://127.0.0.1:8080', '127.0.0.1:8080', undefined), false);
  assert.equal(crossSite('https://evil.example', 'api.example.com', undefined), true, 'no list: only the same origin');
  assert.equal(crossSite('https://evil.example', undefined, undefined), true);
  assert.equal(crossSite('null', 'api.example.com', undefined), true);
  assert.equal(crossSite('https://app.example.com', 'api.example.com', ['https://*.example.com']), false);
  assert.equal(crossSite('https://evil.example', 'api.example.com', ['https://*.example.com']), true);
  assert.equal(crossSite('https://evil.example', 'api.example.com', ['*']), false);
});
