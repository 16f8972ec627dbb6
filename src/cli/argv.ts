/**
 * The command line's words to flag values, with every problem of the words themselves (an unknown flag, a flag
 * without its value) collected rather than thrown, so they are reported with the problems of the values. Pure.
 *
 * Words: `--name value`, `--name=value`, a `bool` flag alone (or `--name=true|false`), a `list` flag once per
 * value; `--` ends the flags. A value may start with one dash (`--idle-timeout -1` is the value -1, refused later
 * as negative, and `--jwt-secret -x` a secret); a word starting with `--` is the next flag, never a value (give
 * such a value as `--name=--value`). The last of a repeated non-list flag wins.
 *
 * @module
 */
import type { Flag } from './flags.js';
import { suggest } from './suggest.js';

/** A flag's text as given: a string, the strings of a list flag, or `true` for a bool flag given alone. */
export type RawValue = string | true | readonly string[];

/** What {@link parseArgv} found. */
export interface ParsedArgv {
  /** By flag name, only the flags given. */
  readonly values: ReadonlyMap<string, RawValue>;
  readonly positionals: readonly string[];
  /** Every known flag named, even one whose value is missing. */
  readonly named: ReadonlySet<string>;
  /** In the order of the words. */
  readonly problems: readonly string[];
}

/** Splits `argv` by the flags of `flags`. */
export function parseArgv(argv: readonly string[], flags: readonly Flag[]): ParsedArgv {
  const byName = new Map(flags.map((f) => [f.name, f]));
  const values = new Map<string, RawValue>();
  const positionals: string[] = [];
  const named = new Set<string>();
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i] as string;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      positionals.push(word);
      continue;
    }
    const eq = word.indexOf('=');
    const name = word.slice(word.startsWith('--') ? 2 : 1, eq === -1 ? undefined : eq);
    const flag = byName.get(name);
    if (flag === undefined || !word.startsWith('--')) {
      problems.push(unknown(word.slice(0, eq === -1 ? undefined : eq), name, flags));
      // `--prot 1`: the word after an unknown flag is most likely its value, not an argument of its own.
      if (eq === -1 && argv[i + 1] !== undefined && !(argv[i + 1] as string).startsWith('-')) i++;
      continue;
    }
    named.add(name);
    let value: string | true;
    if (eq !== -1) value = word.slice(eq + 1);
    else if (flag.type === 'bool') value = true;
    else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        const hint = next !== undefined && next !== '--' && !byName.has(next.slice(2).split('=')[0] as string) ? ` (a value starting with -- is given as --${name}=VALUE)` : '';
        problems.push(`--${name}: missing its value ${flag.arg ?? 'VALUE'}${hint}`);
        continue;
      }
      value = next;
      i++;
    }
    if (flag.type === 'list') values.set(name, [...((values.get(name) as readonly string[] | undefined) ?? []), value as string]);
    else values.set(name, value);
  }
  return { values, positionals, named, problems };
}

function unknown(word: string, name: string, flags: readonly Flag[]): string {
  const names = flags.map((f) => f.name);
  // A single letter (-p) can only be matched by the flags it starts.
  const close = name.length === 1 ? names.filter((n) => n.startsWith(name)) : suggest(name, names);
  if (close.length === 0 || close.length > 3) return `unknown flag ${word} (see roomcast --help)`;
  const list = close.map((n) => `--${n}`);
  return `unknown flag ${word} (did you mean ${list.length === 1 ? list[0] : `${list.slice(0, -1).join(', ')} or ${list.at(-1)}`}?)`;
}
