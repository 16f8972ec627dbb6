/**
 * The fenced code blocks of a Markdown file, each with the `<!-- example: … -->` marker on the line before it
 * (blank lines between are allowed), for test/docs/examples.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface Block {
  /** The file, relative to the repository root (`docs/rest.md`). */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The info string after the fence (`ts`, `jsonl title="x.jsonl"`). */
  readonly info: string;
  /** The language: the info string's first word. */
  readonly lang: string;
  /** The content, without the fence's indentation; ends with a newline. */
  readonly code: string;
  /** What the marker says after `example:`, if the block has one. */
  readonly marker: string | undefined;
}

const FENCE = /^( *)(`{3,}|~{3,})(.*)$/;
const MARKER = /^\s*<!--\s*example:\s*([\s\S]*?)\s*-->\s*$/;

/** Every fenced block of `text`. An unclosed fence runs to the end of the file, as CommonMark has it. */
export function blocksOf(file: string, text: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = FENCE.exec(lines[i] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', rest = ''] = open;
    let j = i + 1;
    const body: string[] = [];
    for (; j < lines.length; j += 1) {
      const line = lines[j] ?? '';
      const close = FENCE.exec(line);
      if (close !== null && (close[2] ?? '').startsWith(fence) && (close[3] ?? '').trim() === '') break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    let k = i - 1;
    while (k >= 0 && (lines[k] ?? '').trim() === '') k -= 1;
    const info = rest.trim();
    blocks.push({
      file,
      line: i + 1,
      info,
      lang: info.split(/\s+/)[0] ?? '',
      code: body.length > 0 ? `${body.join('\n')}\n` : '',
      marker: k >= 0 ? MARKER.exec(lines[k] ?? '')?.[1] : undefined,
    });
    i = j;
  }
  return blocks;
}

/** README.md and every Markdown file under docs/, relative to `root`, sorted. */
export function documents(root: string): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? walk(path) : name.endsWith('.md') ? [path] : [];
    });
  return ['README.md', ...walk(join(root, 'docs')).map((p) => relative(root, p)).sort()];
}

/** The blocks of every document under `root`. */
export function allBlocks(root: string): Block[] {
  return documents(root).flatMap((file) => blocksOf(file, readFileSync(join(root, file), 'utf8')));
}

/** What a block's marker (or, for a protocol transcript, its info string) says is to be done with it. */
export type Plan =
  | { readonly kind: 'transcript'; readonly path: string }
  | { readonly kind: 'not-run'; readonly why: string }
  | { readonly kind: 'tested-by'; readonly path: string }
  | { readonly kind: 'run'; readonly context: string }
  | { readonly kind: 'unmarked'; readonly problem: string };

/** The plan of `block`, given the names of the contexts that can run blocks. */
export function planOf(block: Block, contexts: readonly string[]): Plan {
  const transcript = /^jsonl title="([^"]+)"$/.exec(block.info)?.[1];
  const protocol = /^docs\/protocols\/([^/]+)\.md$/.exec(block.file)?.[1];
  if (transcript !== undefined && protocol !== undefined) return { kind: 'transcript', path: `test/transcripts/${protocol}/${transcript}` };
  const marker = block.marker ?? '';
  const why = /^not run:\s*(.*)$/s.exec(marker)?.[1];
  if (why !== undefined) return { kind: 'not-run', why };
  const testedBy = /^tested by\s+(\S+)$/.exec(marker)?.[1];
  if (testedBy !== undefined) return { kind: 'tested-by', path: testedBy };
  if (contexts.includes(marker)) return { kind: 'run', context: marker };
  return {
    kind: 'unmarked',
    problem:
      `${block.file}:${block.line}: a block needs a marker on the line before it: <!-- example: <context> --> (one of ${contexts.join(', ')}), ` +
      '<!-- example: tested by <test file> --> or <!-- example: not run: <why> --> (see test/docs/examples.test.ts)' +
      (marker === '' ? '' : `; "${marker}" is none of them`),
  };
}
