/**
 * Type-checks TypeScript examples as a reader's project would (the repository's strict tsconfig, `roomcast…`
 * imports typed by the source), each with the context's names declared, so an example that runs but would not
 * compile in a TypeScript app fails too.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { exited, spawnTracked } from '../helpers/cli.js';

/** One example to check: its code, where it is (`docs/x.md`, line of its fence), and what its context declares. */
export interface Checked {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly declare: string;
}

const TYPES: Readonly<Record<string, string>> = {
  roomcast: '../../../src/index.js',
  'roomcast/client': '../../../src/client/index.js',
  'roomcast/models': '../../../src/models/index.js',
  'roomcast/redis': '../../../src/redis.js',
  'roomcast/wire': '../../../src/wire/index.js',
};
/** Inside the repository, so packages and their types resolve; a dot directory, which no tsconfig glob includes. */
const DIR = new URL('./.typecheck/', import.meta.url);
const TSC = new URL('../bin/tsc', import.meta.resolve('typescript')).pathname;

/** The compiler's complaints, each pointed at the Markdown line it is about; empty when all is well. */
export async function typeErrors(examples: readonly Checked[]): Promise<string> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  try {
    const names = examples.map((e, i) => `e${i}.ts`);
    for (const [i, e] of examples.entries()) {
      const typed = (text: string): string =>
        text.replace(/(from |import\()'(roomcast(?:\/\w+)?)'/g, (whole, how: string, spec: string) => (TYPES[spec] ? `${how}'${TYPES[spec]}'` : whole));
      // The declarations take the first line, so line n of the file is line n - 1 of the block.
      writeFileSync(new URL(names[i]!, DIR), `${typed(e.declare).replace(/\n/g, ' ')}\n${typed(e.code)}\nexport {};\n`);
    }
    writeFileSync(new URL('tsconfig.json', DIR), JSON.stringify({ extends: '../../../tsconfig.json', include: names, compilerOptions: { noEmit: true } }));
    const p = spawnTracked(process.execPath, [TSC, '-p', new URL('tsconfig.json', DIR).pathname, '--pretty', 'false']);
    const status = await exited(p, 180_000);
    if (status === 0) return '';
    return p.out().replace(/^(?:.*\/)?e(\d+)\.ts\((\d+),(\d+)\)/gm, (_m, i: string, line: string, col: string) => {
      const e = examples[Number(i)]!;
      return `${e.file}:${e.line + Number(line) - 1}:${col}`;
    });
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
}
