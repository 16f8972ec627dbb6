/**
 * `roomcast --help`.
 *
 * @module
 */
import { FLAGS, envName } from './flags.js';
import { TOKEN_HELP } from './token.js';

/** The help text. */
export function helpText(): string {
  const lines = FLAGS.map((f) => {
    const left = `  --${f.name}${f.arg !== undefined ? ` ${f.arg}` : ''}`;
    const def = f.default !== undefined ? ` (default ${f.default})` : '';
    return `${left.padEnd(34)} ${f.help}${def}\n${''.padEnd(35)}env ${envName(f.name)}`;
  });
  return [
    'roomcast — the realtime data layer for TypeScript apps',
    '',
    'Usage:',
    '  roomcast serve [options]   run the server (high-templar compatible at /ws/, POST /trigger/, /healthz)',
    '  roomcast demo [options]    run the server with a demo page, a built-in stub backend and a demo model in SQLite at http://HOST:PORT/',
    ...TOKEN_HELP,
    '  roomcast --help | --version',
    '',
    'Options (each also read from the environment variable shown, and from --config FILE):',
    ...lines,
    '',
    'Examples:',
    '  roomcast serve --api-url http://127.0.0.1:8000/api/ --trigger-secret "$SECRET"',
    '  ROOMCAST_API_URL=http://127.0.0.1:8000/api/ ROOMCAST_AMQP_URL=amqp://guest:guest@127.0.0.1/ roomcast serve',
    '  roomcast serve --jwt-secret S --trigger-secret T',
    `  roomcast token --secret S --user 42 --rooms '[{"chat":"lobby"}]' --ttl 1h`,
    '',
    'Logs: readable lines on a terminal, JSON lines otherwise (--log-format). A second SIGTERM/SIGINT exits at once.',
    'Exit codes: 0 stopped cleanly, 1 failed at runtime (e.g. the port is in use), 2 invalid configuration (every problem is listed).',
  ].join('\n');
}
