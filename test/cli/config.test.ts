import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveSettings } from '../../src/cli/config.js';
import { helpText } from '../../src/cli/help.js';
import { FLAGS } from '../../src/cli/flags.js';
import { toServerOptions } from '../../src/cli/options.js';
import { silentLogger } from '../../src/log.js';

const noFile = (): string => {
  throw new Error('ENOENT: no such file');
};

test('flag beats environment beats config file', () => {
  const files: Record<string, string> = { 'rc.json': JSON.stringify({ port: 1, apiUrl: 'http://file/api/', idle_timeout: 7, 'log-level': 'warn' }) };
  const r = resolveSettings({
    argv: ['--port', '3', '--config', 'rc.json'],
    env: { ROOMCAST_PORT: '2', ROOMCAST_API_URL: 'http://env/api/' },
    readFile: (p) => files[p] ?? noFile(),
  });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.settings.get('port'), 3);
  assert.equal(r.settings.get('api-url'), 'http://env/api/');
  assert.equal(r.settings.get('idle-timeout'), 7);
  assert.equal(r.settings.get('log-level'), 'warn');
});

test('every problem is reported at once', () => {
  const r = resolveSettings({
    argv: ['--port', 'abc', '--api-url', 'http://x/api', '--log-level', 'loud', '--forward-header', 'oops'],
    env: { ROOMCAST_IDLE_TIMEOUT: '-5', ROOMCAST_AMQP_URL: 'http://nope' },
    readFile: noFile,
  });
  assert.equal(r.ok, false);
  const problems = r.ok ? [] : r.problems;
  assert.equal(problems.length, 6, problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('--port')));
  assert.ok(problems.some((p) => p.startsWith('ROOMCAST_IDLE_TIMEOUT')));
  assert.ok(problems.some((p) => p.includes("must end with '/'")));
  assert.ok(problems.some((p) => p.startsWith('--log-level')));
  assert.ok(problems.some((p) => p.startsWith('--forward-header')));
  assert.ok(problems.some((p) => p.startsWith('ROOMCAST_AMQP_URL: must start with amqp://')), 'a value from the environment is named by its variable');
});

test('unknown flags and unknown config keys are problems', () => {
  const a = resolveSettings({ argv: ['--prot', '1'], env: {}, readFile: noFile });
  assert.equal(a.ok, false);
  const b = resolveSettings({ argv: ['--config', 'x.json'], env: {}, readFile: () => '{"prot": 1}' });
  assert.deepEqual(b.ok ? [] : b.problems, ['config file x.json: unknown setting "prot"']);
  const c = resolveSettings({ argv: ['--config', 'missing.json'], env: {}, readFile: noFile });
  assert.equal(c.ok, false);
});

test('lists: repeated flags, comma-separated env, JSON rooms kept whole', () => {
  const r = resolveSettings({
    argv: ['--allow-origin', 'https://a', '--allow-origin', 'https://b', '--anonymous-room', '{"a":1,"b":2}'],
    env: { ROOMCAST_FORWARD_HEADER: 'x-a=query:a, x-b=cookie:b' },
    readFile: noFile,
  });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.settings.get('allow-origin'), ['https://a', 'https://b']);
  assert.deepEqual(r.settings.get('forward-header'), ['x-a=query:a', 'x-b=cookie:b']);
  assert.deepEqual(r.settings.get('anonymous-room'), ['{"a":1,"b":2}']);
});

test('booleans from the environment', () => {
  const r = resolveSettings({ argv: [], env: { ROOMCAST_TRIGGER_ALLOW_LOOPBACK: 'true', ROOMCAST_NO_STATUS: '0' }, readFile: noFile });
  assert.ok(r.ok);
  assert.equal(r.settings.get('trigger-allow-loopback'), true);
  assert.equal(r.settings.get('no-status'), false);
  const bad = resolveSettings({ argv: [], env: { ROOMCAST_NO_STATUS: 'maybe' }, readFile: noFile });
  assert.equal(bad.ok, false);
});

test('--help documents every flag and its environment variable', () => {
  const help = helpText();
  for (const f of FLAGS) {
    assert.ok(help.includes(`--${f.name}`), f.name);
    assert.ok(help.includes(`ROOMCAST_${f.name.toUpperCase().replace(/-/g, '_')}`), f.name);
  }
});

test('layer settings are checked', () => {
  const ok = resolveSettings({ argv: ['--layer', 'redis', '--redis-url', 'rediss://h:6380/0', '--redis-sharded'], env: {}, readFile: noFile });
  assert.ok(ok.ok, JSON.stringify(ok));
  const bad = resolveSettings({ argv: ['--layer', 'nats', '--redis-url', 'http://x'], env: {}, readFile: noFile });
  assert.deepEqual(bad.ok ? [] : bad.problems, ['--layer: "nats" is not memory or redis', '--redis-url: must start with redis:// or rediss://']);
});

test('one way to authenticate at a time', () => {
  const r = resolveSettings({ argv: ['--api-url', 'http://b/api/', '--jwt-secret', 's'], env: {}, readFile: noFile });
  assert.deepEqual(r.ok ? [] : r.problems, ['choose one way to authenticate: --api-url, --jwt-secret exclude each other']);
  // A real key: the file is parsed with the other settings now, and text that is not PEM is a problem.
  const pemText = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const pem = (p: string): string => (p === 'k.pem' ? pemText : noFile());
  assert.ok(resolveSettings({ argv: ['--jwt-secret', 's', '--jwt-public-key', 'k.pem'], env: {}, readFile: pem }).ok, 'HS256 and RS256 together are one way');
  assert.ok(resolveSettings({ argv: ['--jwt-jwks-url', 'https://issuer.example/jwks', '--jwt-public-key', 'k.pem'], env: {}, readFile: pem }).ok);
  const both = resolveSettings({ argv: ['--allow-anonymous', '--jwt-jwks-url', 'https://issuer.example/jwks'], env: {}, readFile: noFile });
  assert.deepEqual(both.ok ? [] : both.problems, ['choose one way to authenticate: --jwt-jwks-url, --allow-anonymous exclude each other']);
});

test('--jwt-jwks-url must be an http(s) URL; it is read from the environment too', () => {
  const bad = resolveSettings({ argv: ['--jwt-jwks-url', 'file:///etc/jwks.json'], env: {}, readFile: noFile });
  assert.deepEqual(bad.ok ? [] : bad.problems, ['--jwt-jwks-url: "file:///etc/jwks.json" is not an http:// or https:// URL']);
  const env = resolveSettings({ argv: [], env: { ROOMCAST_JWT_JWKS_URL: 'http://127.0.0.1:9/jwks' }, readFile: noFile });
  assert.equal(env.ok && env.settings.get('jwt-jwks-url'), 'http://127.0.0.1:9/jwks');
});

test('--max-frame-bytes must leave room for a control frame and stay within what one message may hold in memory', () => {
  for (const [value, ok] of [['124', false], ['125', true], ['67108864', true], ['67108865', false]] as const) {
    const r = resolveSettings({ argv: ['--max-frame-bytes', value], env: {}, readFile: noFile });
    assert.equal(r.ok, ok, `${value}: ${JSON.stringify(r.ok ? 'ok' : r.problems)}`);
  }
});

const problemsOf = (argv: string[], env: Record<string, string> = {}): string[] => {
  const r = resolveSettings({ argv, env, readFile: noFile });
  return r.ok ? [] : [...r.problems];
};

test('parser errors are listed with every other problem: unknown flags with a suggestion, missing values, negative numbers', () => {
  const problems = problemsOf(['--prot', '1', '--idle-timeout', '-1', '--fooo', '--api-url', '--log-level', 'loud', '--host']);
  assert.deepEqual(problems, [
    'unknown flag --prot (did you mean --port?)',
    'unknown flag --fooo (see roomcast --help)',
    '--api-url: missing its value URL',
    '--host: missing its value ADDR',
    '--idle-timeout: expected a whole number ≥ 0 (0: never), got "-1"',
    '--log-level: "loud" is not one of fatal, error, warn, info, debug, trace or silent',
  ]);
});

test('a value starting with one dash is a value; --flag=value takes anything', () => {
  const r = resolveSettings({ argv: ['--jwt-secret', '-s3cr3t', '--redis-prefix=--x:', '--port=0'], env: {}, readFile: noFile });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.settings.get('jwt-secret'), '-s3cr3t');
  assert.equal(r.settings.get('redis-prefix'), '--x:');
  assert.equal(r.settings.get('port'), 0);
  const bools = resolveSettings({ argv: ['--allow-anonymous=yes', '--no-status', '--trigger-allow-loopback=false', '--port', '1', '--port', '2'], env: {}, readFile: noFile });
  assert.ok(bools.ok, JSON.stringify(bools));
  assert.equal(bools.settings.get('allow-anonymous'), true);
  assert.equal(bools.settings.get('no-status'), true);
  assert.equal(bools.settings.get('trigger-allow-loopback'), false);
  assert.equal(bools.settings.get('port'), 2, 'the last of a repeated flag wins');
  assert.deepEqual(problemsOf(['--allow-anonymous=maybe', 'extra', '--', '--port']), [
    'unexpected argument "extra"',
    'unexpected argument "--port"',
    '--allow-anonymous: expected true or false, got "maybe"',
  ]);
  const positional = resolveSettings({ argv: ['a', '--port', '1', '--', '--b'], env: {}, readFile: noFile, allowPositionals: true });
  assert.deepEqual(positional.ok && positional.positionals, ['a', '--b']);
});

test('a problem of a value from the environment names the environment variable', () => {
  assert.deepEqual(problemsOf([], { ROOMCAST_LAYER: 'bad', ROOMCAST_QUEUE_POLICY: 'x', ROOMCAST_REDIS_URL: 'http://r', ROOMCAST_PORT: '70000' }), [
    'ROOMCAST_PORT: expected a whole number from 0 to 65535 (0: pick a free port), got "70000"',
    'ROOMCAST_LAYER: "bad" is not memory or redis',
    'ROOMCAST_QUEUE_POLICY: "x" is not close or drop-oldest',
    'ROOMCAST_REDIS_URL: must start with redis:// or rediss://',
  ]);
  assert.deepEqual(problemsOf(['--jwt-secret', 's'], { ROOMCAST_API_URL: 'http://b/api/' }), [
    'choose one way to authenticate: ROOMCAST_API_URL, --jwt-secret exclude each other',
  ]);
});

test('--rate-limit and --rate-burst refuse 0, which would rate-limit every message', () => {
  assert.deepEqual(problemsOf(['--rate-limit', '0', '--rate-burst', '0']), [
    '--rate-limit: expected a whole number ≥ 1, got "0" (0 would rate-limit every message; for no practical limit give a high rate, e.g. 100000)',
    '--rate-burst: expected a whole number ≥ 1, got "0" (0 would rate-limit every message; for no practical limit give a high burst, e.g. 100000)',
  ]);
  assert.ok(resolveSettings({ argv: ['--rate-limit', '1', '--rate-burst', '1'], env: {}, readFile: noFile }).ok);
});

test('--log-format is auto, json or pretty', () => {
  assert.deepEqual(problemsOf(['--log-format', 'text']), ['--log-format: "text" is not one of auto, json or pretty']);
  const r = resolveSettings({ argv: [], env: { ROOMCAST_LOG_FORMAT: 'pretty' }, readFile: noFile });
  assert.equal(r.ok && r.settings.get('log-format'), 'pretty');
});

test('a ROOMCAST_* variable close to a setting is a warning with the right name; others are left alone', () => {
  const r = resolveSettings({ argv: [], env: { ROOMCAST_PROT: '1', ROOMCAST_API_ULR: 'x', ROOMCAST_REQUIRE_SERVICES: '1', ROOMCAST_TEST_PG: 'postgres://' }, readFile: noFile });
  assert.deepEqual(r.warnings, [
    'ROOMCAST_PROT is not a setting and is ignored (did you mean ROOMCAST_PORT?)',
    'ROOMCAST_API_ULR is not a setting and is ignored (did you mean ROOMCAST_API_URL?)',
  ]);
});

test('--max-room-bytes and --max-subscriptions reach every dialect (at least 1 byte)', async () => {
  const { toServerOptions } = await import('../../src/cli/options.js');
  const { silentLogger } = await import('../../src/log.js');
  const r = resolveSettings({ argv: ['--max-room-bytes', '300', '--max-subscriptions', '5'], env: {}, readFile: noFile });
  assert.ok(r.ok, JSON.stringify(r));
  const options = toServerOptions(r.settings, silentLogger);
  assert.equal(options.maxRoomBytes, 300);
  assert.equal(options.templar?.maxSubscriptions, 5);
  assert.equal(options.rohrpost?.maxSubscriptions, 5);
  assert.equal(options.binding?.maxSubscriptions, 5);
  const zero = resolveSettings({ argv: ['--max-room-bytes', '0'], env: {}, readFile: noFile });
  assert.ok(!zero.ok);
  assert.match(JSON.stringify(zero), /max-room-bytes/);
});

test('--jwt-public-key: the file is read and parsed once, with the other settings; the key is passed on, not read again', () => {
  const { publicKey: key } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const files: Record<string, string> = { '/keys/pub.pem': key.export({ type: 'spki', format: 'pem' }).toString(), '/keys/notes.txt': 'not a key' };
  const reads: string[] = [];
  const readFile = (p: string): string => {
    reads.push(p);
    return files[p] ?? noFile();
  };
  const r = resolveSettings({ argv: ['--jwt-public-key', '/keys/pub.pem'], env: {}, readFile });
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(reads, ['/keys/pub.pem']);
  assert.ok(r.publicKey?.equals(key), 'the key in the file');
  // /keys/pub.pem is not on this disk: toServerOptions takes the key given, it does not read the file.
  assert.equal(typeof toServerOptions(r.settings, silentLogger, r.publicKey).auth, 'function');
  const bad = resolveSettings({ argv: ['--jwt-public-key', '/keys/notes.txt', '--port', 'x'], env: {}, readFile });
  assert.ok(!bad.ok);
  assert.equal(bad.problems.length, 2, 'not PEM is listed with the other problems');
  assert.match(bad.problems[0] ?? '', /^--port: /);
  assert.match(bad.problems[1] ?? '', /^--jwt-public-key: \/keys\/notes\.txt is not a PEM public key \(/);
  const missing = resolveSettings({ argv: ['--jwt-public-key', '/keys/none.pem'], env: {}, readFile });
  assert.deepEqual(missing.ok ? [] : missing.problems, ['--jwt-public-key: cannot read /keys/none.pem (ENOENT: no such file)']);
});
