/**
 * Which headers the bootstrap proxy forwards to the backend, and from where (high-templar dossier §1.2).
 *
 * @module
 */
import { readCookie } from './cookies.js';
import { headerValue, type UpgradeRequest } from './strategy.js';

/** Where a forwarded header's value comes from. `prefix` is prepended to a found value. */
export type HeaderSource =
  | { readonly header: string; readonly prefix?: string }
  | { readonly cookie: string; readonly prefix?: string }
  | { readonly query: string; readonly prefix?: string }
  | { readonly value: string };

/**
 * high-templar 3.1's forwarded headers: cookie, user-agent, x-real-ip, x-csrftoken (from the `csrftoken`
 * cookie) and authorization (`Token <?token=>`).
 */
export const DEFAULT_FORWARD: Readonly<Record<string, HeaderSource>> = {
  cookie: { header: 'cookie' },
  'user-agent': { header: 'user-agent' },
  'x-real-ip': { header: 'x-real-ip' },
  'x-csrftoken': { cookie: 'csrftoken' },
  authorization: { query: 'token', prefix: 'Token ' },
};

/**
 * Merges extra header specs over the defaults (same name overrides; `null` removes one).
 */
export function mergeForward(
  extra: Readonly<Record<string, HeaderSource | null>> = {},
): Readonly<Record<string, HeaderSource>> {
  const out: Record<string, HeaderSource> = { ...DEFAULT_FORWARD };
  for (const [name, spec] of Object.entries(extra)) {
    if (spec === null) delete out[name.toLowerCase()];
    else out[name.toLowerCase()] = spec;
  }
  return out;
}

/** The headers to send to the backend for one upgrade request. A header whose source is missing or empty is left out. */
export function forwardHeaders(
  request: UpgradeRequest,
  specs: Readonly<Record<string, HeaderSource>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = sourceValue(request, spec);
    if (value !== undefined && value !== '') out[name] = 'prefix' in spec && spec.prefix !== undefined ? spec.prefix + value : value;
  }
  return out;
}

function sourceValue(request: UpgradeRequest, spec: HeaderSource): string | undefined {
  if ('value' in spec) return spec.value;
  if ('header' in spec) return headerValue(request, spec.header.toLowerCase());
  if ('cookie' in spec) return readCookie(headerValue(request, 'cookie'), spec.cookie);
  return request.query.get(spec.query) ?? undefined;
}

/**
 * Parses a header spec as written on the command line: `name=header:x-real-ip`, `name=cookie:csrftoken`,
 * `name=query:token`, `name=value:fixed text`, optionally with `|Prefix ` after the source
 * (`authorization=query:token|Token `). Returns an error string when malformed.
 */
export function parseHeaderSpec(text: string): { name: string; spec: HeaderSource | null } | string {
  const eq = text.indexOf('=');
  if (eq <= 0) return `forwarded header "${text}" must look like name=source:value`;
  const name = text.slice(0, eq).trim().toLowerCase();
  const rest = text.slice(eq + 1);
  if (rest === '' || rest === 'none') return { name, spec: null };
  const colon = rest.indexOf(':');
  const kind = colon === -1 ? '' : rest.slice(0, colon);
  let arg = rest.slice(colon + 1);
  let prefix: string | undefined;
  const bar = arg.indexOf('|');
  if (kind !== 'value' && bar !== -1) {
    prefix = arg.slice(bar + 1);
    arg = arg.slice(0, bar);
  }
  if (arg === '') return `forwarded header "${name}" has an empty source`;
  switch (kind) {
    case 'header':
      return { name, spec: { header: arg, prefix } };
    case 'cookie':
      return { name, spec: { cookie: arg, prefix } };
    case 'query':
      return { name, spec: { query: arg, prefix } };
    case 'value':
      return { name, spec: { value: arg } };
    default:
      return `forwarded header "${name}": source must be header:, cookie:, query: or value: (got "${rest}")`;
  }
}
