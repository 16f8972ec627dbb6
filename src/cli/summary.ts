/**
 * The start-up summary the CLI logs once it listens (`roomcast ready`): what is on, in words, from the settings and
 * the options the server was started with. Pure. Passwords in URLs are shown as `***` (hideCredentials); secrets are never shown.
 *
 * @module
 */
import { DEMO_USERS } from '../demo/demo.js';
import { hideCredentials } from '../log.js';
import type { ServerOptions } from '../options.js';
import type { Settings } from './config.js';
import { flagDefault } from './flags.js';

/** What {@link startupSummary} describes. */
export interface SummaryInput {
  readonly settings: Settings;
  /** The options the server was created with (after the demo's additions). */
  readonly options: ServerOptions;
  /** `http://host:port` */
  readonly url: string;
  /** The dialects served, by name and path. */
  readonly dialects: readonly { readonly name: string; readonly path: string }[];
  /** Where the models live, when there are models. */
  readonly store?: string;
  /** `roomcast demo`: its stub backend authenticates. */
  readonly demo: boolean;
}

/** One line of text per subject: url, auth, triggers, layer, dialects, models, origins, health. */
export function startupSummary(input: SummaryInput): Record<string, string> {
  const { settings: s, options, url } = input;
  const str = (name: string): string | undefined => s.get(name) as string | undefined;
  const ws = url.replace(/^http/, 'ws');
  const models = options.models?.all().map((m) => m.name) ?? [];
  const origins = (s.get('allow-origin') as readonly string[] | undefined) ?? [];
  return {
    url,
    auth: auth(input),
    triggers: triggers(input),
    layer:
      str('layer') === 'redis'
        ? `redis ${hideCredentials(str('redis-url') ?? flagDefault('redis-url'))}, channels prefixed ${str('redis-prefix') ?? flagDefault('redis-prefix')}${s.get('redis-sharded') === true ? ', sharded pub/sub' : ''}`
        : 'memory (this process only; --layer redis joins several)',
    dialects: input.dialects.map((d) => `${d.name} ${ws}${d.path}`).join(', '),
    models:
      models.length === 0
        ? 'none (--models FILE defines some)'
        : `${models.join(', ')} in ${hideCredentials(input.store ?? '?')}${options.rest !== false ? `; REST at ${url}${options.rest?.prefix ?? '/api/'}` : ''}`,
    origins: origins.length === 0 ? 'any (--allow-origin limits them)' : origins.join(', '),
    health: `${url}/healthz, metrics at ${url}/metrics`,
  };
}

function auth({ settings: s, demo }: SummaryInput): string {
  const str = (name: string): string | undefined => s.get(name) as string | undefined;
  const apiUrl = str('api-url');
  if (apiUrl !== undefined) {
    const socket = str('api-socket');
    return `backend: GET ${hideCredentials(apiUrl)}bootstrap/ for each connection${socket !== undefined ? ` (over ${socket})` : ''}, ${(s.get('bootstrap-timeout') as number | undefined) ?? flagDefault('bootstrap-timeout')} ms timeout`;
  }
  if (demo) return `the demo's users (?token=${Object.keys(DEMO_USERS).join(', ')}), checked by its stub backend`;
  const jwt = [
    str('jwt-secret') !== undefined ? 'HS256 (--jwt-secret)' : undefined,
    str('jwt-public-key') !== undefined ? `RS256 with the key in ${str('jwt-public-key') ?? ''}` : undefined,
    str('jwt-jwks-url') !== undefined ? `RS256 with the keys at ${str('jwt-jwks-url') ?? ''}` : undefined,
  ].filter((x) => x !== undefined);
  if (jwt.length > 0) return `JWT: ${jwt.join(', ')}; the allowed_rooms claim lists rooms`;
  const rooms = (s.get('anonymous-room') as readonly string[] | undefined) ?? [];
  return `anyone (--allow-anonymous), ${rooms.length === 0 ? 'no rooms unless a model allows one (--anonymous-room adds some)' : `rooms ${rooms.join(', ')}`}`;
}

function triggers({ settings: s, options, url }: SummaryInput): string {
  const ways = [
    options.trigger?.secret !== undefined ? 'with the secret' : undefined,
    options.trigger?.allowLoopback === true ? 'from loopback without a secret' : undefined,
  ].filter((x) => x !== undefined);
  const http = ways.length > 0 ? `POST ${url}/trigger/ ${ways.join(' or ')}` : 'POST /trigger/ refuses every trigger (--trigger-secret or --trigger-allow-loopback)';
  const amqp = s.get('amqp-url') as string | undefined;
  return amqp === undefined ? http : `${http}; AMQP exchange ${(s.get('amqp-exchange') as string | undefined) ?? flagDefault('amqp-exchange')} at ${hideCredentials(amqp)}`;
}

