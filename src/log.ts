/**
 * The logger roomcast writes to. pino's `Logger` satisfies it; the library never creates one on its own
 * (the CLI does), so embedding apps keep control of their logs.
 *
 * @module
 */

/** A structured log method: context object first, message second (pino's order). */
export type LogFn = (context: object, message?: string) => void;

/** What roomcast needs of a logger. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const nothing: LogFn = () => {};

/** A logger that drops everything: the default when embedding without a logger. */
export const silentLogger: Logger = { debug: nothing, info: nothing, warn: nothing, error: nothing };

/**
 * A URL with every query value replaced by `*`, so tokens in query strings (`?token=`, `?jwt_token=`) never
 * reach a log line (DESIGN.md, security principles).
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      return eq === -1 ? pair : `${pair.slice(0, eq)}=*`;
    })
    .join('&');
  return `${url.slice(0, q)}?${query}`;
}

/**
 * A URL with its password masked (`amqp://user:pass@host/` → `amqp://user:***@host/`), for logs and `/healthz`,
 * whatever its scheme (redis, amqp, postgres).
 */
export function hideCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
