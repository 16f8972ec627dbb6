/**
 * Turns flags, environment and a config file into validated settings, listing every problem at once. Pure: the
 * caller passes argv, env and a file reader (which also reads the `--jwt-public-key` file, once).
 *
 * @module
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { parseHeaderSpec, type HeaderSource } from '../auth/forward.js';
import { requestBeforeHead, withDefaultDeadlines } from '../transport/http-server.js';
import { parseArgv } from './argv.js';
import { FLAGS, envName, kebab, type Flag } from './flags.js';
import { suggest } from './suggest.js';

/** A setting's value after parsing. */
export type Value = string | number | boolean | readonly string[];

/** Settings by flag name, only those given somewhere. */
export type Settings = ReadonlyMap<string, Value>;

/** What the config step produced. */
export type Resolved = (
  | {
      readonly ok: true;
      readonly settings: Settings;
      /** The key of `--jwt-public-key FILE`, read and parsed once here (the settings hold the file name). */
      readonly publicKey?: KeyObject;
    }
  | { readonly ok: false; readonly problems: readonly string[] }
) & {
  readonly positionals: readonly string[];
  /** Not problems, but likely mistakes: a `ROOMCAST_*` variable that is close to a setting's and is none. */
  readonly warnings: readonly string[];
};

/** Inputs of {@link resolveSettings}. */
export interface ConfigSources {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads the `--config` file; throws when it cannot. */
  readonly readFile: (path: string) => string;
  /** Whether words that are not flags are returned as `positionals` instead of being problems. @default false */
  readonly allowPositionals?: boolean;
  /** Whether one way to authenticate must be chosen (`roomcast serve`; the demo has its own). @default false */
  readonly requireAuth?: boolean;
}

const BY_NAME = new Map(FLAGS.map((f) => [f.name, f]));
/** The ways to authenticate; at most one of them (both JWT keys count as one). */
const AUTH = ['api-url', 'jwt-secret', 'jwt-public-key', 'jwt-jwks-url', 'allow-anonymous'];

/**
 * Parses every source and validates the result. Problems come in this order: those of the command line's words
 * (in their order), those of single values (in the order of {@link FLAGS}), those between settings; each names
 * where its value came from (`--layer`, `ROOMCAST_LAYER`, `"layer" in rc.json`).
 */
export function resolveSettings(sources: ConfigSources): Resolved {
  const parsed = parseArgv(sources.argv, FLAGS);
  const problems: string[] = [...parsed.problems];
  if (sources.allowPositionals !== true) problems.push(...parsed.positionals.map((p) => `unexpected argument ${JSON.stringify(p)}`));
  const fromFlags = new Map<string, unknown>(parsed.values);
  const fromEnv = new Map<string, unknown>();
  for (const f of FLAGS) {
    const text = sources.env[envName(f.name)];
    if (text !== undefined && text !== '') fromEnv.set(f.name, f.type === 'list' ? splitList(text) : text);
  }
  const fromFile = new Map<string, unknown>();
  const configPath = fromFlags.get('config') ?? fromEnv.get('config');
  if (typeof configPath === 'string') readConfigFile(configPath, sources.readFile, fromFile, problems);

  const settings = new Map<string, Value>();
  const origins = new Map<string, string>();
  for (const f of FLAGS) {
    const [raw, origin] = fromFlags.has(f.name)
      ? [fromFlags.get(f.name), `--${f.name}`]
      : fromEnv.has(f.name)
        ? [fromEnv.get(f.name), envName(f.name)]
        : [fromFile.get(f.name), `"${f.name}" in ${String(configPath)}`];
    if (raw === undefined) continue;
    const value = coerce(f, raw);
    if ('problem' in value) problems.push(`${origin}: ${value.problem}`);
    else {
      settings.set(f.name, value.ok);
      origins.set(f.name, origin);
    }
  }
  const publicKey = validate(settings, (name) => origins.get(name) ?? `--${name}`, sources.readFile, problems);
  const given = (name: string): boolean => parsed.named.has(name) || fromEnv.has(name) || fromFile.has(name);
  if (sources.requireAuth === true && !AUTH.some((k) => (settings.has(k) ? settings.get(k) !== false : given(k)))) {
    problems.push('set --api-url (your backend decides who may join which room), --jwt-secret, --jwt-public-key or --jwt-jwks-url, or --allow-anonymous');
  }
  const rest = { positionals: parsed.positionals, warnings: envTypos(sources.env) };
  if (problems.length > 0) return { ok: false, problems, ...rest };
  return { ok: true, settings, ...(publicKey !== undefined ? { publicKey } : {}), ...rest };
}

/** `ROOMCAST_PROT` → a warning suggesting `ROOMCAST_PORT`; other `ROOMCAST_*` names (a test's own) are left alone. */
function envTypos(env: Readonly<Record<string, string | undefined>>): string[] {
  const known = new Set(FLAGS.map((f) => envName(f.name)));
  return Object.keys(env)
    .filter((k) => k.startsWith('ROOMCAST_') && !known.has(k))
    .flatMap((k) => {
      const close = suggest(kebab(k.slice('ROOMCAST_'.length).toLowerCase()), FLAGS.map((f) => f.name)).slice(0, 3);
      return close.length === 0 ? [] : [`${k} is not a setting and is ignored (did you mean ${close.map(envName).join(' or ')}?)`];
    });
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

/** The typed value, or what is wrong with it (type, range, choices: what {@link FLAGS} says of the flag). */
function coerce(flag: Flag, raw: unknown): { ok: Value } | { problem: string } {
  const got = `got ${JSON.stringify(raw)}`;
  const hint = flag.hint !== undefined ? ` (${flag.hint})` : '';
  switch (flag.type) {
    case 'string': {
      const text = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : undefined;
      if (text === undefined) return { problem: `expected a text, ${got}` };
      if (flag.choices !== undefined && !flag.choices.includes(text)) return { problem: `${JSON.stringify(text)} is not ${oneOf(flag.choices)}${hint}` };
      return { ok: text };
    }
    case 'int': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      const min = flag.min ?? 0;
      const max = flag.max ?? Number.MAX_SAFE_INTEGER;
      if (Number.isSafeInteger(n) && n >= min && n <= max) return { ok: n };
      const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
      const zero = flag.zero !== undefined && min === 0 ? ` (0: ${flag.zero})` : '';
      return { problem: `expected a whole number ${range}${zero}, ${got}${hint}` };
    }
    case 'bool':
      if (typeof raw === 'boolean') return { ok: raw };
      if (typeof raw === 'string' && /^(1|true|yes|on)$/i.test(raw)) return { ok: true };
      if (typeof raw === 'string' && /^(0|false|no|off)$/i.test(raw)) return { ok: false };
      return { problem: `expected true or false, ${got}` };
    case 'list':
      if (Array.isArray(raw)) return { ok: raw.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))) };
      if (typeof raw === 'string') return { ok: splitList(raw) };
      return { problem: `expected a list, ${got}` };
  }
}

/** `a or b`, `one of a, b or c` */
function oneOf(choices: readonly string[]): string {
  return choices.length <= 2 ? choices.join(' or ') : `one of ${choices.slice(0, -1).join(', ')} or ${choices.at(-1) ?? ''}`;
}

/**
 * The checks the table cannot express: URL shapes, the public key file, header specs, rooms, and those between
 * settings. Returns the public key, when `--jwt-public-key` names a readable PEM public key.
 */
function validate(s: Map<string, Value>, at: (name: string) => string, readFile: (path: string) => string, problems: string[]): KeyObject | undefined {
  const apiUrl = s.get('api-url');
  if (typeof apiUrl === 'string') {
    let url: URL | undefined;
    try {
      url = new URL(apiUrl);
    } catch {
      problems.push(`${at('api-url')}: "${apiUrl}" is not a URL`);
    }
    if (url !== undefined && !/^https?:$/.test(url.protocol)) problems.push(`${at('api-url')}: must be http:// or https://`);
    if (url !== undefined && !apiUrl.endsWith('/')) problems.push(`${at('api-url')}: must end with '/' (bootstrap/ is appended), e.g. ${apiUrl}/`);
  }
  const keyFile = s.get('jwt-public-key');
  const publicKey = typeof keyFile === 'string' ? readPublicKey(keyFile, readFile, (problem) => problems.push(`${at('jwt-public-key')}: ${problem}`)) : undefined;
  const jwksUrl = s.get('jwt-jwks-url');
  if (typeof jwksUrl === 'string' && (!/^https?:\/\/[^/]/.test(jwksUrl) || !URL.canParse(jwksUrl))) problems.push(`${at('jwt-jwks-url')}: "${jwksUrl}" is not an http:// or https:// URL`);
  const amqpUrl = s.get('amqp-url');
  if (typeof amqpUrl === 'string' && !/^amqps?:\/\//.test(amqpUrl)) problems.push(`${at('amqp-url')}: must start with amqp:// or amqps://`);
  for (const spec of (s.get('forward-header') as readonly string[] | undefined) ?? []) {
    const r = parseHeaderSpec(spec);
    if (typeof r === 'string') problems.push(`${at('forward-header')}: ${r}`);
  }
  for (const room of (s.get('anonymous-room') as readonly string[] | undefined) ?? []) {
    try {
      const v = JSON.parse(room) as unknown;
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    } catch {
      problems.push(`${at('anonymous-room')}: ${room} is not a JSON object`);
    }
  }
  const ways = AUTH.filter((k) => s.get(k) !== undefined && s.get(k) !== false);
  const jwt = ways.filter((k) => k.startsWith('jwt-'));
  if (ways.length - jwt.length + (jwt.length > 0 ? 1 : 0) > 1) {
    problems.push(`choose one way to authenticate: ${ways.map(at).join(', ')} exclude each other`);
  }
  const redisUrl = s.get('redis-url');
  if (typeof redisUrl === 'string' && !/^rediss?:\/\//.test(redisUrl)) problems.push(`${at('redis-url')}: must start with redis:// or rediss://`);
  if (s.get('trigger-secret') === '') problems.push(`${at('trigger-secret')}: must not be empty`);
  // createServer's own rule, with its defaults: the whole request cannot be due before its head.
  const deadlines = withDefaultDeadlines({ headersTimeoutMs: int(s, 'headers-timeout'), requestTimeoutMs: int(s, 'request-timeout') });
  if (requestBeforeHead(deadlines)) {
    problems.push(`${at('request-timeout')}: ${deadlines.requestTimeoutMs} is less than ${at('headers-timeout')} (${deadlines.headersTimeoutMs} ms); 0 turns it off`);
  }
  return publicKey;
}

/** The PEM public key in `file`, or `undefined` after telling `problem` why there is none. */
function readPublicKey(file: string, readFile: (path: string) => string, problem: (text: string) => void): KeyObject | undefined {
  let text: string;
  try {
    text = readFile(file);
  } catch (err) {
    problem(`cannot read ${file} (${(err as Error).message})`);
    return undefined;
  }
  try {
    return createPublicKey(text);
  } catch (err) {
    problem(`${file} is not a PEM public key (${(err as Error).message})`);
    return undefined;
  }
}

const int = (s: Settings, name: string): number | undefined => {
  const v = s.get(name);
  return typeof v === 'number' ? v : undefined;
};

/** The forwarded header specs of the settings. */
export function headerSpecs(s: Settings): Record<string, HeaderSource | null> {
  const out: Record<string, HeaderSource | null> = {};
  for (const spec of (s.get('forward-header') as readonly string[] | undefined) ?? []) {
    const r = parseHeaderSpec(spec);
    if (typeof r !== 'string') out[r.name] = r.spec;
  }
  return out;
}
