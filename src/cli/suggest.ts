/**
 * "Did you mean": the known names close to a mistyped one. Pure.
 *
 * @module
 */

/**
 * The names of `known` that `word` is probably a typo of, best first: those within a small edit distance (a
 * swap of two neighbours counts as one edit) and, for a word of three letters or more, those it begins.
 *
 * @example
 * suggest('prot', ['port', 'host']); // ['port']
 * suggest('redis', ['redis-url', 'redis-prefix', 'layer']); // ['redis-url', 'redis-prefix']
 */
export function suggest(word: string, known: readonly string[]): string[] {
  const limit = Math.max(1, Math.floor(word.length / 3));
  return known
    .map((name) => ({ name, d: word.length >= 3 && name.startsWith(word) ? 0 : distance(word, name) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d)
    .map((c) => c.name);
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
export function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => (rows[i] as number[])[j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, at(i - 2, j - 2) + 1);
      (rows[i] as number[])[j] = d;
    }
  }
  return at(a.length, b.length);
}
