/**
 * The benchmark's clock: milliseconds of the machine's monotonic clock (CLOCK_MONOTONIC, via process.hrtime), the
 * same in every process. Publish→receive times cross processes (publisher, peer, load generators), and
 * `performance.timeOrigin + performance.now()` is not comparable across them: each process fixes its own
 * origin at start, and origins were seen several milliseconds apart.
 */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;
