/**
 * The rohrpost dialect's pure codec: the `{id, type, data}` envelope as rohrpost's code handles it
 * (docs/protocols/rohrpost.md; dossier §1.1–1.4): the checks in rohrpost's order with its exact error strings,
 * and replies that leave out every key whose value Python finds falsy.
 *
 * @module
 */
import { canonicalJson } from '../../wire/canonical.js';
import { JsonNumber, isJsonObject, parseJson, type JsonObject, type JsonValue } from '../../wire/json.js';

/** A decoded client frame: a request to dispatch, or an error reply to send. */
export type RohrpostCommand =
  | { readonly kind: 'request'; readonly type: string; readonly id: JsonValue; readonly request: JsonObject }
  | { readonly kind: 'error'; readonly reply: string };

/** rohrpost's error strings for frames that never reach a handler, and roomcast's own (marked). */
export const RohrpostError = {
  Empty: 'Received empty message.',
  NotObject: 'Expected a JSON object as message.',
  /** roomcast: arrays and objects nested deeper than 64 levels (rohrpost's json.loads read up to Python's recursion limit). */
  TooDeep: 'Message nested deeper than 64 levels.',
  NoType: "Missing required field 'type'.",
  NoId: "Missing required field 'id'.",
  /** roomcast: rohrpost crashed the connection on an object or array `type`. */
  TypeNotScalar: "Field 'type' must be a string.",
  /** roomcast, with `authJwt`: the request's `auth_jwt` is missing or refused; the reply's `data.reason` says why. */
  InvalidToken: 'Invalid or expired token.',
  /** roomcast, with `authJwt`: the token could not be checked now (its key set cannot be fetched); retry later. */
  AuthUnavailable: 'Authentication unavailable.',
} as const;

/** Decodes one text frame. Never throws. */
export function decodeRohrpost(frame: string): RohrpostCommand {
  if (frame === '') return { kind: 'error', reply: renderReply({ error: RohrpostError.Empty }) };
  const parsed = parseJson(frame);
  if (!parsed.ok && parsed.reason === 'depth') return { kind: 'error', reply: renderReply({ error: RohrpostError.TooDeep }) };
  if (!parsed.ok) {
    const error = `Could not decode JSON message. Error: ${PYTHON_JSON_ERRORS[parsed.error] ?? parsed.error}: ${position(frame, parsed.at)}`;
    return { kind: 'error', reply: renderReply({ error }) };
  }
  const msg = parsed.value;
  if (!isJsonObject(msg)) return { kind: 'error', reply: renderReply({ error: RohrpostError.NotObject }) };
  if (!('type' in msg)) return { kind: 'error', reply: renderReply({ error: RohrpostError.NoType }) };
  if (!('id' in msg)) return { kind: 'error', reply: renderReply({ error: RohrpostError.NoId }) };
  const type = msg.type as JsonValue;
  if (type !== null && typeof type === 'object' && !(type instanceof JsonNumber)) {
    return { kind: 'error', reply: renderReply({ id: msg.id as JsonValue, error: RohrpostError.TypeNotScalar }) };
  }
  return { kind: 'request', type: pythonStr(type), id: msg.id as JsonValue, request: msg };
}

/** Python's `str()` of a scalar JSON value, as rohrpost formats an unknown type. */
export function pythonStr(value: JsonValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value instanceof JsonNumber) return value.lexeme;
  return String(value);
}

/** Python's truthiness of a JSON value. */
export function truthy(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (value instanceof JsonNumber) return value.value !== 0;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** The parts of a server message. `data` may be given as JSON text (already serialized). */
export interface ReplyParts {
  readonly id?: JsonValue;
  readonly type?: string;
  readonly error?: string;
  readonly data?: JsonValue | { readonly json: string };
}

/**
 * A server message `{"id","type","error","data"}` in that order, each key present only when its value is truthy
 * in Python (dossier §1.1).
 */
export function renderReply(parts: ReplyParts): string {
  const out: string[] = [];
  if (truthy(parts.id)) out.push(`"id":${json(parts.id as JsonValue)}`);
  if (parts.type !== undefined && parts.type !== '') out.push(`"type":${JSON.stringify(parts.type)}`);
  if (parts.error !== undefined && parts.error !== '') out.push(`"error":${JSON.stringify(parts.error)}`);
  const data = parts.data;
  if (data !== undefined) {
    if (typeof data === 'object' && data !== null && 'json' in data && typeof data.json === 'string' && Object.keys(data).length === 1) {
      if (!['{}', '[]', '0', '""', 'null', 'false'].includes(data.json.trim())) out.push(`"data":${data.json}`);
    } else if (truthy(data as JsonValue)) {
      out.push(`"data":${json(data as JsonValue)}`);
    }
  }
  return `{${out.join(',')}}`;
}

/** Serializes handler data once; `undefined` (and what JSON cannot encode, such as a function) stays absent. */
export function serialized(data: unknown): { json: string } | undefined {
  if (data === undefined) return undefined;
  const json = JSON.stringify(data);
  return json === undefined ? undefined : { json };
}

/** Renders a server message `{type, data}`, with `id` when given (group pushes, `server.sendMessage`). */
export function renderPush(type: string, data: unknown, id?: JsonValue): string {
  return renderReply({ ...(id !== undefined ? { id } : {}), type, ...(data !== undefined ? { data: serialized(data) } : {}) });
}

/** Renders a server error `{id, type, error, data}`, each key by the reply rules (`server.sendError`). */
export function renderErrorMessage(error: string, parts: { readonly type?: string; readonly id?: JsonValue; readonly data?: unknown } = {}): string {
  const { type, id, data } = parts;
  return renderReply({
    ...(id !== undefined ? { id } : {}),
    ...(type !== undefined ? { type } : {}),
    error,
    ...(data !== undefined ? { data: serialized(data) } : {}),
  });
}

/**
 * rohrpost's pong: request `data` that is an object is echoed, anything else is wrapped as `{"data": …}`. The echo
 * is written once and given to {@link renderReply} as text: as a value, a client's `{"json": "…"}` read as text
 * already serialized (and went into the reply raw), and its truthiness listed the keys of a 7,000-key data again.
 */
export function renderPong(request: JsonObject, id: JsonValue): string {
  if (!('data' in request)) return renderReply({ id, type: 'pong' });
  const data = request.data as JsonValue;
  const echoed: JsonObject = isJsonObject(data) ? data : { data };
  // An object's text is '{}' exactly when it is empty (falsy: left out). One no JSON can carry (1e999) goes as a
  // value, written null as before; it has a number, so it is never a lone "json" string.
  const text = canonicalJson(echoed);
  return renderReply({ id, type: 'pong', data: text === undefined ? echoed : { json: text } });
}

/** Parsed values (ids, echoed data) keep their exact numbers; handler data comes pre-serialized as `{json}`. */
function json(value: JsonValue): string {
  return canonicalJson(value) ?? 'null';
}

/** Our parser's reasons in the words of Python's `json` module, which rohrpost quotes. */
const PYTHON_JSON_ERRORS: Readonly<Record<string, string>> = {
  'unexpected character': 'Expecting value',
  'unexpected end of input': 'Expecting value',
  'expected a key': 'Expecting property name enclosed in double quotes',
  "expected ':'": "Expecting ':' delimiter",
  "expected ',' or '}'": "Expecting ',' delimiter",
  "expected ',' or ']'": "Expecting ',' delimiter",
  'unexpected trailing text': 'Extra data',
  'unterminated string': 'Unterminated string starting at',
  'control character in string': 'Invalid control character at',
  'bad escape': 'Invalid \\escape',
  'bad unicode escape': 'Invalid \\uXXXX escape',
};

/** Python json's position text: `line L column C (char N)`. */
function position(text: string, at: number): string {
  // Counted with indexOf: splitting the text made a string per line (32,000 for a 64 KB frame of newlines).
  let line = 1;
  let lastNewline = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lastNewline = i;
  }
  return `line ${line} column ${at - lastNewline} (char ${at})`;
}
