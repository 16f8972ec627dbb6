#!/usr/bin/env node
/**
 * The `roomcast` command: `roomcast serve`, `roomcast demo`, `roomcast token`. Reads flags, `ROOMCAST_*` environment variables and
 * an optional JSON config file; stops gracefully on SIGTERM/SIGINT.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { pino, type Level } from 'pino';
import { createServer } from '../server.js';
import type { ServerOptions } from '../options.js';
import { withDemo, type Demo } from '../demo/demo.js';
import { resolveSettings } from './config.js';
import { helpText } from './help.js';
import { toServerOptions } from './options.js';
import { loadModels } from './models.js';
import { mintToken } from './token.js';
import type { Store } from '../models/index.js';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help' || rest.includes('--help')) {
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
  const resolved = resolveSettings({ argv: rest, env: process.env, readFile: (p) => readFileSync(p, 'utf8') });
  if (!resolved.ok) {
    process.stderr.write(`roomcast: invalid configuration:\n${resolved.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 2;
  }
  const { settings } = resolved;
  const authenticates = ['api-url', 'jwt-secret', 'jwt-public-key', 'jwt-jwks-url'].some((k) => settings.get(k) !== undefined);
  if (command === 'serve' && !authenticates && settings.get('allow-anonymous') !== true) {
    process.stderr.write(
      'roomcast: invalid configuration:\n  - set --api-url (your backend decides who may join which room), --jwt-secret, --jwt-public-key or --jwt-jwks-url, or --allow-anonymous\n',
    );
    return 2;
  }
  const logger = pino({ level: (settings.get('log-level') as Level | undefined) ?? 'info' });
  let options: ServerOptions;
  try {
    options = toServerOptions(settings, logger);
  } catch (err) {
    // e.g. an unreadable --jwt-public-key file, or a key that is not PEM
    process.stderr.write(`roomcast: invalid configuration:\n  - ${(err as Error).message}\n`);
    return 2;
  }
  let store: Store | undefined;
  const modelsFile = settings.get('models') as string | undefined;
  if (modelsFile !== undefined) {
    try {
      const loaded = await loadModels(modelsFile, (settings.get('store') as string | undefined) ?? 'sqlite:./roomcast.db');
      store = loaded.store;
      options = { ...options, models: loaded.models };
    } catch (err) {
      process.stderr.write(`roomcast: invalid configuration:\n  - --models ${modelsFile}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  let demo: Demo | undefined;
  if (command === 'demo') {
    const storeUrl = settings.get('store') as string | undefined;
    try {
      demo = await withDemo(options, logger, { store: storeUrl });
      options = demo.options;
    } catch (err) {
      await store?.close();
      const where = storeUrl !== undefined && modelsFile === undefined ? `--store ${storeUrl.replace(/\/\/[^@/]*@/, '//…@')}` : 'demo';
      process.stderr.write(`roomcast: invalid configuration:\n  - ${where}: ${(err as Error).message}\n`);
      return 2;
    }
  }

  const server = createServer(options);
  let address;
  try {
    address = await server.listen();
  } catch (err) {
    logger.fatal({ err }, 'roomcast could not start');
    return 1;
  }
  demo?.afterListen(address.url);
  return new Promise<number>((resolve) => {
    const stop = (signal: string): void => {
      logger.info({ signal }, 'shutting down');
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
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
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
