/**
 * Turns flags, environment and a config file into validated settings, listing every problem at once. Pure: the
 * caller passes argv, env and a file reader.
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { parseHeaderSpec, type HeaderSource } from '../auth/forward.js';
import { DEFAULTS, MAX_FRAME_BYTES_LIMIT, TIMEOUT_LIMIT } from '../options.js';
import { FLAGS, envName, kebab, type Flag } from './flags.js';

/** A setting's value after parsing. */
export type Value = string | number | boolean | readonly string[];

/** Settings by flag name, only those given somewhere. */
export type Settings = ReadonlyMap<string, Value>;

/** What the config step produced. */
export type Resolved =
  | { readonly ok: true; readonly settings: Settings; readonly positionals: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** Inputs of {@link resolveSettings}. */
export interface ConfigSources {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the `--config` file; throws when it cannot. */
  readonly readFile: (path: string) => string;
}

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));

/** Parses every source and validates the result. */
export function resolveSettings(sources: ConfigSources): Resolved {
  const problems: string[] = [];
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...sources.argv],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        FLAGS.map((f) => [f.name, { type: f.type === 'bool' ? 'boolean' : 'string', multiple: f.type === 'list' }] as const),
      ),
    });
  } catch (err) {
    return { ok: false, problems: [(err as Error).message] };
  }
  const fromFlags = new Map<string, unknown>(Object.entries(parsed.values));
  const fromEnv = new Map<string, unknown>();
  for (const f of FLAGS) {
    const text = sources.env[envName(f.name)];
    if (text !== undefined && text !== '') fromEnv.set(f.name, f.type === 'list' ? splitList(text) : text);
  }
  const fromFile = new Map<string, unknown>();
  const configPath = (fromFlags.get('config') ?? fromEnv.get('config')) as string | undefined;
  if (configPath !== undefined) readConfigFile(configPath, sources.readFile, fromFile, problems);

  const settings = new Map<string, Value>();
  for (const f of FLAGS) {
    const [raw, origin] = fromFlags.has(f.name)
      ? [fromFlags.get(f.name), `--${f.name}`]
      : fromEnv.has(f.name)
        ? [fromEnv.get(f.name), envName(f.name)]
        : [fromFile.get(f.name), `"${f.name}" in ${configPath ?? ''}`];
    if (raw === undefined) continue;
    const value = coerce(f, raw);
    if (typeof value === 'string' && f.type !== 'string') problems.push(`${origin}: ${value}`);
    else settings.set(f.name, value === undefined ? raw as Value : value);
  }
  validate(settings, problems);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, settings, positionals: parsed.positionals };
}

function readConfigFile(path: string, read: (p: string) => string, into: Map<string, unknown>, problems: string[]): void {
  let data: unknown;
  try {
    data = JSON.parse(read(path));
  } catch (err) {
    problems.push(`config file ${path}: ${(err as Error).message}`);
    return;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    problems.push(`config file ${path}: must hold a JSON object`);
    return;
  }
  for (const [key, value] of Object.entries(data)) {
    const name = kebab(key);
    if (!BY_NAME.has(name) || name === 'config') problems.push(`config file ${path}: unknown setting "${key}"`);
    else into.set(name, value);
  }
}

function splitList(text: string): string[] {
  // JSON rooms contain commas: a JSON array, or one JSON object, is taken whole.
  const t = text.trim();
  if (t.startsWith('[')) {
    try {
      const arr = JSON.parse(t) as unknown;
      if (Array.isArray(arr)) return arr.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
    } catch {
      // fall through: not JSON, a plain list
    }
  }
  if (t.startsWith('{')) return [t];
  return t.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** The typed value, or a problem text (for non-string flags), or `undefined` to keep the raw value. */
function coerce(flag: Flag, raw: unknown): Value | undefined {
  switch (flag.type) {
    case 'string':
      return typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : NaN;
      return Number.isSafeInteger(n) && n >= 0 ? n : `expected a whole number ≥ 0, got ${JSON.stringify(raw)}`;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(1|true|yes|on)$/i.test(raw)) return true;
      if (typeof raw === 'string' && /^(0|false|no|off)$/i.test(raw)) return false;
      return `expected true or false, got ${JSON.stringify(raw)}`;
    case 'list':
      if (Array.isArray(raw)) return raw.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
      if (typeof raw === 'string') return splitList(raw);
      return `expected a list, got ${JSON.stringify(raw)}`;
  }
}

function validate(s: Map<string, Value>, problems: string[]): void {
  const port = s.get('port');
  if (typeof port === 'number' && port > 65535) problems.push(`--port: ${port} is not a TCP port`);
  const apiUrl = s.get('api-url');
  if (typeof apiUrl === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(apiUrl);
    } catch {
      problems.push(`--api-url: "${apiUrl}" is not a URL`);
    }
    if (url !== undefined && !/^https?:$/.test(url.protocol)) problems.push('--api-url: must be http:// or https://');
    if (url !== undefined && !apiUrl.endsWith('/')) problems.push(`--api-url: must end with '/' (bootstrap/ is appended), e.g. ${apiUrl}/`);
  }
  const jwksUrl = s.get('jwt-jwks-url');
  if (typeof jwksUrl === 'string' && (!/^https?:\/\/[^/]/.test(jwksUrl) || !URL.canParse(jwksUrl))) problems.push(`--jwt-jwks-url: "${jwksUrl}" is not an http:// or https:// URL`);
  const amqpUrl = s.get('amqp-url');
  if (typeof amqpUrl === 'string' && !/^amqps?:\/\//.test(amqpUrl)) problems.push('--amqp-url: must start with amqp:// or amqps://');
  for (const spec of (s.get('forward-header') as readonly string[] | undefined) ?? []) {
    const r = parseHeaderSpec(spec);
    if (typeof r === 'string') problems.push(`--forward-header: ${r}`);
  }
  for (const room of (s.get('anonymous-room') as readonly string[] | undefined) ?? []) {
    try {
      const v = JSON.parse(room) as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    } catch {
      problems.push(`--anonymous-room: ${room} is not a JSON object`);
    }
  }
  const level = s.get('log-level');
  if (typeof level === 'string' && !['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)) {
    problems.push(`--log-level: "${level}" is not one of fatal, error, warn, info, debug, trace, silent`);
  }
  const ways = ['api-url', 'jwt-secret', 'jwt-public-key', 'jwt-jwks-url', 'allow-anonymous'].filter((k) => s.get(k) !== undefined && s.get(k) !== false);
  const jwt = ways.filter((k) => k.startsWith('jwt-'));
  if (ways.length - jwt.length + (jwt.length > 0 ? 1 : 0) > 1) {
    problems.push(`choose one way to authenticate: ${ways.map((k) => `--${k}`).join(', ')} exclude each other`);
  }
  const layer = s.get('layer');
  if (layer !== undefined && layer !== 'memory' && layer !== 'redis') problems.push(`--layer: "${String(layer)}" is not memory or redis`);
  const redisUrl = s.get('redis-url');
  if (typeof redisUrl === 'string' && !/^rediss?:\/\//.test(redisUrl)) problems.push('--redis-url: must start with redis:// or rediss://');
  const policy = s.get('queue-policy');
  if (policy !== undefined && policy !== 'close' && policy !== 'drop-oldest') problems.push(`--queue-policy: "${String(policy)}" is not close or drop-oldest`);
  if (s.get('trigger-secret') === '') problems.push('--trigger-secret: must not be empty');
  const maxFrame = s.get('max-frame-bytes');
  if (typeof maxFrame === 'number' && (maxFrame < 125 || maxFrame > MAX_FRAME_BYTES_LIMIT)) {
    problems.push(`--max-frame-bytes: ${maxFrame} is not between 125 and ${MAX_FRAME_BYTES_LIMIT}`);
  }
  const headersTimeout = s.get('headers-timeout');
  if (typeof headersTimeout === 'number' && headersTimeout > TIMEOUT_LIMIT) {
    problems.push(`--headers-timeout: ${headersTimeout} is more than ${TIMEOUT_LIMIT} ms`);
  }
  const requestTimeout = s.get('request-timeout');
  if (typeof requestTimeout === 'number' && requestTimeout > TIMEOUT_LIMIT) {
    problems.push(`--request-timeout: ${requestTimeout} is more than ${TIMEOUT_LIMIT} ms`);
  }
  // As createServer checks it: the whole request cannot be due before its head.
  const headersDeadline = typeof headersTimeout === 'number' ? headersTimeout : DEFAULTS.headersTimeoutMs;
  if (typeof requestTimeout === 'number' && requestTimeout > 0 && requestTimeout < headersDeadline) {
    problems.push(`--request-timeout: ${requestTimeout} is less than --headers-timeout (${headersDeadline} ms); 0 turns it off`);
  }
}

/** The forwarded header specs of the settings. */
export function headerSpecs(s: Settings): Record<string, HeaderSource | null> {
  const out: Record<string, HeaderSource | null> = {};
  for (const spec of (s.get('forward-header') as readonly string[] | undefined) ?? []) {
    const r = parseHeaderSpec(spec);
    if (typeof r !== 'string') out[r.name] = r.spec;
  }
  return out;
}
