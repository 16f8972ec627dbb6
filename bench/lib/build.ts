/**
 * Compiles the benchmark's processes (peers and load generator) to plain JavaScript before a run, so each runs on
 * bare `node` as roomcast ships (from compiled `dist/`), not through tsx. Under `--import tsx` every process
 * carries a module-loader thread with a V8 heap of its own; its garbage collections (16–17 ms mark-compacts were
 * seen) land on the pinned server core, more often the more TypeScript modules a peer loads.
 *
 * Each entry is bundled with the project's own sources; npm packages stay imports, resolved from the project's
 * node_modules as in production. Dynamic imports stay dynamic (code splitting), as they are in `dist/`: bundled
 * in one file, the AMQP client's import was hoisted to the top, and its code (0.5 MB) sat in the heap of every
 * roomcast peer, for each full collection to mark.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** Where the compiled processes go (inside the project, so that package imports resolve; gitignored). */
const OUT = 'bench/.build';

/** Compiles `entries` (paths from the project root, e.g. `bench/peers/roomcast.ts`); resolves with their outputs. */
export async function compile(entries: readonly string[]): Promise<Map<string, string>> {
  await build({
    absWorkingDir: root,
    entryPoints: [...entries],
    outdir: OUT,
    outbase: '.',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    splitting: true,
    target: 'node20',
    logLevel: 'warning',
  });
  return new Map(entries.map((e) => [e, `${root}${OUT}/${e.replace(/\.ts$/, '.mjs')}`]));
}
