/**
 * Counting spies for tests that bound how a cost grows without timing it: a fix that removed per-token work (a
 * regex per number, a join per level, a split per line) is shown by the calls that work made, which do not depend on
 * the machine's load.
 */

/** Runs `fn` with `object[name]` counting its calls; the original is restored on every path. */
export function counting<T>(object: object, name: string, fn: () => T): { result: T; calls: number } {
  const target = object as Record<string, unknown>;
  const original = target[name] as (...args: unknown[]) => unknown;
  let calls = 0;
  target[name] = function (this: unknown, ...args: unknown[]): unknown {
    calls++;
    return original.apply(this, args);
  };
  try {
    return { result: fn(), calls };
  } finally {
    target[name] = original;
  }
}
