/**
 * Hostile client frames (issue 13): for each dialect, the costliest frames of a given size found, and benign frames
 * of the same size to compare them with. Shared by the codec tests, which check that each frame gets its right
 * answer, and by the benchmark's hostile scenario (`npm run bench -- --only hostile`), which measures the server's
 * CPU per frame against the 3x target (timing lives there, never in unit tests). Sizes are in UTF-8 bytes; every
 * frame is at most `size` bytes and within a few bytes of it.
 */

/** The size the benchmark measures and the codec tests decode: within the default 64 KiB frame limit. */
export const SIZE = 65_000;

/** A named frame builder: the frame of at most `size` bytes. */
export interface FrameKind {
  readonly name: string;
  readonly frame: (size: number) => string;
}

/**
 * A dialect's frames: two benign ones and the hostile ones to compare with them. `benign` is one long string, the
 * cheapest frame of its size there is; `structured` is what a client's large frame looks like (records of ten
 * fields of mixed types), the fairer comparison.
 */
export interface FrameSet {
  readonly benign: FrameKind;
  readonly structured: FrameKind;
  readonly hostile: readonly FrameKind[];
}

/** One record of ten fields of mixed types, as an app's list of items holds them (about 200 bytes). */
const RECORD =
  '{"id":1234,"name":"Invoice 2026-0042","price":129.95,"quantity":3,"paid":false,"tags":["urgent","q4"],' +
  '"created":"2026-12-02T04:00:00Z","customer":{"id":77,"name":"Jansen BV"},"note":"deliver before noon","score":0.75}';

/** `head`, then `unit` repeated to fill the size, then `tail` (`sep` between units). */
function fill(head: string, unit: string, tail: string, size: number, sep = ''): string {
  const room = size - Buffer.byteLength(head) - Buffer.byteLength(tail);
  const each = Buffer.byteLength(unit) + Buffer.byteLength(sep);
  const count = Math.max(1, Math.floor((room + Buffer.byteLength(sep)) / each));
  return head + Array.from({ length: count }, () => unit).join(sep) + tail;
}

/** `depth` nested arrays around `inner` (whose size is what is left). */
function nested(head: string, depth: number, unit: string, tail: string, size: number): string {
  return fill(head + '['.repeat(depth), unit, ']'.repeat(depth) + tail, size, ',');
}

/** Distinct keys `"<prefix><n>":1`, in descending order (the sort has work to do). */
function manyKeys(head: string, tail: string, size: number, prefix = ''): string {
  const room = size - head.length - tail.length;
  const parts: string[] = [];
  let used = 0;
  for (let i = 0; ; i++) {
    const part = `"${prefix}${i.toString(36)}":1`;
    if (used + part.length + 1 > room) break;
    parts.push(part);
    used += part.length + 1;
  }
  return `${head}${parts.reverse().join(',')}${tail}`;
}

/** Frames of the templar dialect (`/ws/`). Rooms are allowed by `{"location":"*"}`. */
export const TEMPLAR: FrameSet = {
  benign: { name: 'subscribe, a long room string', frame: (size) => fill('{"type":"subscribe","requestId":"r","room":{"location":"', 'a', '"}}', size) },
  // A templar client's frames are small by nature (a room of a few fields); the largest plausible one carries records.
  structured: { name: 'subscribe, a room value of records', frame: (size) => fill('{"type":"subscribe","requestId":"r","room":{"location":[', RECORD, ']}}', size, ',') },
  hostile: [
    { name: 'unsubscribe, requestId of digits', frame: (size) => fill('{"type":"unsubscribe","requestId":', '9', '}', size) },
    { name: 'subscribe, room value of digits', frame: (size) => fill('{"type":"subscribe","requestId":"r","room":{"location":', '9', '}}', size) },
    { name: 'subscribe, room of many keys', frame: (size) => manyKeys('{"type":"subscribe","requestId":"r","room":{', '}}', size) },
    { name: 'subscribe, room value 62 arrays deep', frame: (size) => nested('{"type":"subscribe","requestId":"r","room":{"location":', 62, '1', '}}', size) },
    { name: 'subscribe, room value of empty arrays', frame: (size) => fill('{"type":"subscribe","requestId":"r","room":{"location":[', '[]', ']}}', size, ',') },
    { name: 'subscribe, room value of empty objects', frame: (size) => fill('{"type":"subscribe","requestId":"r","room":{"location":[', '{}', ']}}', size, ',') },
    { name: 'subscribe, room keys with a long common prefix', frame: (size) => manyKeys('{"type":"subscribe","requestId":"r","room":{', '}}', size, 'k'.repeat(150)) },
    { name: 'unsubscribe, requestId of \\u escapes', frame: (size) => fill('{"type":"unsubscribe","requestId":"', '\\u00e9', '"}', size) },
    { name: 'unsubscribe, requestId of \\n escapes', frame: (size) => fill('{"type":"unsubscribe","requestId":"', '\\n', '"}', size) },
    { name: 'unsubscribe, requestId float of digits', frame: (size) => fill('{"type":"unsubscribe","requestId":0.', '9', '}', size) },
    { name: 'unsubscribe, requestId exponent of digits', frame: (size) => fill('{"type":"unsubscribe","requestId":1e-', '9', '}', size) },
    { name: 'unsubscribe, an extra member of numbers', frame: (size) => fill('{"type":"unsubscribe","requestId":"r","x":[', '1', ']}', size, ',') },
    { name: 'unsubscribe, an extra member of many keys', frame: (size) => manyKeys('{"type":"unsubscribe","requestId":"r","x":{', '}}', size) },
    { name: 'arrays nested to the end of the frame', frame: (size) => fill('', '[', '', size) },
  ],
};

/** Frames of the rohrpost dialect (`/ws/rohrpost/`). */
export const ROHRPOST: FrameSet = {
  benign: { name: 'ping, a long data string', frame: (size) => fill('{"type":"ping","id":1,"data":{"text":"', 'a', '"}}', size) },
  structured: { name: 'ping, data of records', frame: (size) => fill('{"type":"ping","id":1,"data":{"items":[', RECORD, ']}}', size, ',') },
  hostile: [
    { name: 'ping, id of digits', frame: (size) => fill('{"type":"ping","id":', '9', '}', size) },
    { name: 'ping, data of digits', frame: (size) => fill('{"type":"ping","id":1,"data":{"n":', '9', '}}', size) },
    { name: 'ping, data of many keys', frame: (size) => manyKeys('{"type":"ping","id":1,"data":{', '}}', size) },
    { name: 'ping, data 62 arrays deep', frame: (size) => nested('{"type":"ping","id":1,"data":', 62, '1', '}', size) },
    { name: 'ping, data of empty arrays', frame: (size) => fill('{"type":"ping","id":1,"data":[', '[]', ']}', size, ',') },
    { name: 'ping, data of numbers', frame: (size) => fill('{"type":"ping","id":1,"data":[', '1', ']}', size, ',') },
    { name: 'ping, data keys with a long common prefix', frame: (size) => manyKeys('{"type":"ping","id":1,"data":{', '}}', size, 'k'.repeat(150)) },
    { name: 'ping, id of \\u escapes', frame: (size) => fill('{"type":"ping","id":"', '\\u00e9', '"}', size) },
    { name: 'unknown type of \\u escapes', frame: (size) => fill('{"id":1,"type":"', '\\u00e9', '"}', size) },
    { name: 'subscribe, an object id of digits', frame: (size) => fill('{"type":"subscribe","id":1,"data":{"type":"note","id":', '9', '}}', size) },
    { name: 'subscribe, an object type of a long string', frame: (size) => fill('{"type":"subscribe","id":1,"data":{"id":1,"type":"', 'n', '"}}', size) },
    { name: 'bad JSON after many newlines', frame: (size) => fill('{"type":"ping","id":1,"data":[', '\n', 'x', size) },
  ],
};

/** Frames of the binding dialect (`/ws/binding/`), on a model `bench.Note`. */
export const BINDING: FrameSet = {
  benign: { name: 'search, a filter of a long text', frame: (size) => fill('{"event":"bench.Note.search","data":{"filters":{"text":"', 'a', '"}}}', size) },
  // A note whose json field holds the records: decoded, validated and stored (SQLite in memory).
  structured: { name: 'create, a note with records', frame: (size) => fill('{"event":"bench.Note.create","data":{"text":"note","n":1,"items":[', RECORD, ']}}', size, ',') },
  hostile: [
    { name: 'search, a filter of digits', frame: (size) => fill('{"event":"bench.Note.search","data":{"filters":{"n":', '9', '}}}', size) },
    { name: 'search, $or of many branches', frame: (size) => fill('{"event":"bench.Note.search","data":{"filters":{"$or":[', '{"n":1}', ']}}}', size, ',') },
    { name: 'search, data of many keys', frame: (size) => manyKeys('{"event":"bench.Note.search","data":{', '}}', size) },
    { name: 'search, data 62 arrays deep', frame: (size) => nested('{"event":"bench.Note.search","data":{"x":', 62, '1', '}}', size) },
    { name: 'search, data of empty arrays', frame: (size) => fill('{"event":"bench.Note.search","data":{"x":[', '[]', ']}}', size, ',') },
    { name: 'retrieve, a key of digits', frame: (size) => fill('{"event":"bench.Note.retrieve#', '9', '"}', size) },
    { name: 'subscribe, a key of digits', frame: (size) => fill('{"event":"bench.Note.subscribe","data":{"id":', '9', '}}', size) },
    { name: 'event of dots', frame: (size) => fill('{"event":"', '.', '"}', size) },
    { name: 'create, many unknown fields', frame: (size) => manyKeys('{"event":"bench.Note.create","data":{', '}}', size) },
  ],
};

/**
 * A reference for expected answers: `value` (as `JSON.parse` gives it) as JSON text with every object's keys sorted.
 * For values without exact-number lexemes or surrogates in keys, this is the canonical text.
 */
export function sortedText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedText).join(',')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const object = value as Record<string, unknown>;
  return `{${Object.keys(object).sort().map((k) => `${JSON.stringify(k)}:${sortedText(object[k])}`).join(',')}}`;
}
