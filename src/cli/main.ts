#!/usr/bin/env node
/**
 * The `roomcast` command: `roomcast serve`, `roomcast demo`, `roomcast token`. Reads flags, `ROOMCAST_*` environment variables and
 * an optional JSON config file, refusing a bad configuration with every problem at once (exit 2); logs JSON, or
 * readable lines on a terminal, with a start-up summary; stops gracefully on SIGTERM/SIGINT (a second one exits
 * at once, 1).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Level } from 'pino';
import { createServer } from '../server.js';
import { DEFAULTS, type ServerOptions } from '../options.js';
import { serverDialects } from '../server/defaults.js';
import { DEMO_STORE, withDemo, type Demo } from '../demo/demo.js';
import { resolveSettings } from './config.js';
import { flagDefault } from './flags.js';
import { helpText } from './help.js';
import { createCliLogger, type LogFormat } from './logger.js';
import { toServerOptions } from './options.js';
import { loadModels } from './models.js';
import { listenProblem } from './start-errors.js';
import { hideCredentials } from '../log.js';
import { startupSummary } from './summary.js';
import { mintToken } from './token.js';
import type { Store } from '../models/index.js';

/** Where `--models` live without `--store`. */
const DEFAULT_STORE = flagDefault('store');

/** Writes every problem to stderr; the exit code of an invalid configuration. */
function invalid(problems: readonly string[]): number {
  process.stderr.write(`roomcast: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
  return 2;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${helpText()}\n`);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    process.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (command === 'token') return printToken(rest);
  if (command !== 'serve' && command !== 'demo') {
    process.stderr.write(`roomcast: unknown command "${command}" (try: roomcast serve, roomcast demo, roomcast token, roomcast --help)\n`);
    return 2;
  }
  const resolved = resolveSettings({ argv: rest, env: process.env, readFile: (p) => readFileSync(p, 'utf8'), requireAuth: command === 'serve' });
  for (const warning of resolved.warnings) process.stderr.write(`roomcast: ${warning}\n`);
  if (!resolved.ok) return invalid(resolved.problems);
  const { settings, publicKey } = resolved;
  const logger = createCliLogger({
    level: (settings.get('log-level') ?? flagDefault('log-level')) as Level,
    format: (settings.get('log-format') ?? flagDefault('log-format')) as LogFormat,
  });
  let options: ServerOptions;
  try {
    options = toServerOptions(settings, logger, publicKey);
  } catch (err) {
    // What a component refuses of its options when it is made (the key file was checked with the other settings).
    return invalid([(err as Error).message]);
  }
  let store: Store | undefined;
  const modelsFile = settings.get('models') as string | undefined;
  const storeUrl = settings.get('store') as string | undefined;
  if (modelsFile !== undefined) {
    try {
      const loaded = await loadModels(modelsFile, storeUrl ?? DEFAULT_STORE);
      store = loaded.store;
      options = { ...options, models: loaded.models };
    } catch (err) {
      return invalid([`--models ${modelsFile}: ${(err as Error).message}`]);
    }
  }
  let demo: Demo | undefined;
  if (command === 'demo') {
    try {
      demo = await withDemo(options, logger, { store: storeUrl });
      options = demo.options;
    } catch (err) {
      await store?.close();
      const where = storeUrl !== undefined && modelsFile === undefined ? `--store ${hideCredentials(storeUrl)}` : 'demo';
      return invalid([`${where}: ${(err as Error).message}`]);
    }
  }

  // The dialects the server would pick itself, made here so the summary can name their paths.
  const dialects = serverDialects(options, logger);
  const server = createServer({ ...options, dialects });
  let address;
  try {
    address = await server.listen();
  } catch (err) {
    const host = options.host ?? DEFAULTS.host;
    const port = options.port ?? DEFAULTS.port;
    const problem = listenProblem(err, host, port);
    if (problem !== undefined) logger.fatal({ host, port, code: (err as { code?: unknown }).code }, `roomcast could not start: ${problem}`);
    else logger.fatal({ err }, 'roomcast could not start');
    await demo?.close();
    await store?.close();
    return 1;
  }
  demo?.afterListen(address.url);
  const modelsAt = modelsFile !== undefined ? (storeUrl ?? DEFAULT_STORE) : command === 'demo' ? (storeUrl ?? DEMO_STORE) : undefined;
  logger.info({ summary: startupSummary({ settings, options, url: address.url, dialects, store: modelsAt, demo: command === 'demo' }) }, 'roomcast ready');
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) {
        // A second Ctrl-C: the user does not want to wait for the grace period.
        logger.warn({ signal }, 'second signal: exiting without waiting for clients');
        resolve(1);
        return;
      }
      stopping = true;
      logger.info({ signal, graceSeconds: (options.shutdownGraceMs ?? DEFAULTS.shutdownGraceMs) / 1000 }, 'shutting down');
      server.close().then(
        async () => {
          await demo?.close();
          await store?.close();
          resolve(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}

function printToken(argv: readonly string[]): number {
  const minted = mintToken(argv, process.env);
  if ('problems' in minted) {
    process.stderr.write(`roomcast token: invalid arguments:\n${minted.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 2;
  }
  process.stdout.write(`${minted.token}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`roomcast: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
