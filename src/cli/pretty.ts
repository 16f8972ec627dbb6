/**
 * Readable log lines for a terminal, from pino's JSON lines (`--log-format pretty`). Pure: {@link prettyLine}
 * turns one JSON line into text; the CLI writes it. No dependency (pino-pretty would be one more package and a
 * worker thread for a few dozen lines of formatting).
 *
 * A record reads `12:00:00.123 INFO  message key=value …`; a field holding an object (the start-up summary) is a
 * block of aligned `name  value` lines under it; an `err` shows its message, and its stack at error level and up.
 * A line that is not a JSON object is passed through unchanged.
 *
 * @example
 * prettyLine('{"level":30,"time":0,"msg":"roomcast listening","url":"http://127.0.0.1:8080"}\n', { color: false });
 * // '01:00:00.000 INFO  roomcast listening url=http://127.0.0.1:8080\n' (in the local time zone)
 *
 * @module
 */
import { isPlainObject } from '../wire/json.js';

/** How {@link prettyLine} writes. */
export interface PrettyOptions {
  /** ANSI colours (a terminal that has not set `NO_COLOR`). */
  readonly color: boolean;
}

const LEVELS: Readonly<Record<number, readonly [name: string, color: string]>> = {
  10: ['TRACE', '90'],
  20: ['DEBUG', '34'],
  30: ['INFO ', '32'],
  40: ['WARN ', '33'],
  50: ['ERROR', '31'],
  60: ['FATAL', '35'],
};
/** pino's own fields: shown in the line's head or not at all. */
const OWN = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'err']);
const INDENT = '    ';

/** One pino JSON line (with or without its newline) as readable text ending in a newline. */
export function prettyLine(line: string, options: PrettyOptions): string {
  const text = line.endsWith('\n') ? line.slice(0, -1) : line;
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch {
    return `${text}\n`;
  }
  if (!isPlainObject(record)) return `${text}\n`;
  const r = record;
  const paint = (code: string, s: string): string => (options.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const level = typeof r.level === 'number' ? r.level : 30;
  const [name, color] = LEVELS[level] ?? [String(level).padEnd(5), '0'];
  const head = [paint('90', clock(r.time)), paint(color, name), typeof r.msg === 'string' ? clean(r.msg) : ''];
  const inline: string[] = [];
  const blocks: string[] = [];
  for (const [key, value] of Object.entries(r)) {
    if (OWN.has(key) || value === undefined) continue;
    if (isPlainObject(value)) blocks.push(...block(value, paint));
    else inline.push(`${paint('36', clean(key))}=${scalar(value)}`);
  }
  const err = r.err;
  if (err !== undefined) {
    const e = isPlainObject(err) ? err : { message: String(err) };
    inline.push(`${paint('36', 'err')}=${scalar(e.message ?? e.type ?? 'error')}`);
    if (level >= 50 && typeof e.stack === 'string') blocks.push(...e.stack.split('\n').slice(1).map((l) => `${INDENT}${paint('90', clean(l.trim()))}`));
  }
  return `${[...head, ...inline].filter((s) => s !== '').join(' ')}\n${blocks.map((b) => `${b}\n`).join('')}`;
}

function block(value: Record<string, unknown>, paint: (code: string, s: string) => string): string[] {
  const width = Math.max(0, ...Object.keys(value).map((k) => k.length));
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${INDENT}${paint('36', clean(k).padEnd(width))}  ${clean(typeof v === 'string' ? v : Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ') : JSON.stringify(v))}`);
}

/** Control characters as escapes: a value from a client (a rohrpost type, say) must not drive the terminal. */
function clean(text: string): string {
  return text.replace(/[\x00-\x1f\x7f\x9b]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A value after `key=`: plain when it has no space, quote or control character, else as JSON; arrays in brackets. */
function scalar(value: unknown): string {
  if (typeof value === 'string') return value !== '' && !/[\s"=\x00-\x1f\x7f\x9b]/.test(value) ? value : clean(JSON.stringify(value));
  if (Array.isArray(value)) return `[${value.map((v) => clean(typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}]`;
  return clean(JSON.stringify(value) ?? String(value));
}

function clock(time: unknown): string {
  const d = new Date(typeof time === 'number' ? time : Date.now());
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
