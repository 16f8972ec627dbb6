/**
 * Hostile client frames (issue 13): for each dialect, the costliest frames of a given size found, and a benign
 * frame of the same size to compare them with. Shared by the codec tests, which bound the ratio of their decoding
 * costs, and by the benchmark's hostile scenario (`npm run bench -- --only hostile`), which measures the server's
 * CPU per frame. Sizes are in UTF-8 bytes; every frame is at most `size` bytes and within a few bytes of it.
 */

/** A named frame builder: the frame of at most `size` bytes. */
export interface FrameKind {
  readonly name: string;
  readonly frame: (size: number) => string;
}

/** `head`, then `unit` repeated to fill the size, then `tail` (`sep` between units). */
function fill(head: string, unit: string, tail: string, size: number, sep = ''): string {
  const room = size - Buffer.byteLength(head) - Buffer.byteLength(tail);
  const each = Buffer.byteLength(unit) + Buffer.byteLength(sep);
  const count = Math.max(1, Math.floor((room + Buffer.byteLength(sep)) / each));
  return head + Array.from({ length: count }, () => unit).join(sep) + tail;
}

/** `depth` nested arrays around `inner` (whose size is what is left). */
function nested(head: string, depth: number, unit: string, tail: string, size: number): string {
  return fill(head + '['.repeat(depth), unit, ']'.repeat(depth) + tail, size, ',');
}

/** Distinct short keys `"k<n>":1`. */
function manyKeys(head: string, tail: string, size: number): string {
  const room = size - head.length - tail.length;
  const parts: string[] = [];
  let used = 0;
  for (let i = 0; ; i++) {
    const part = `"${i.toString(36)}":1`;
    if (used + part.length + 1 > room) break;
    parts.push(part);
    used += part.length + 1;
  }
  return `${head}${parts.join(',')}${tail}`;
}

/** Frames of the templar dialect (`/ws/`). Rooms are allowed by `{"location":"*"}`. */
export const TEMPLAR = {
  benign: { name: 'subscribe, a long room string', frame: (size) => fill('{"type":"subscribe","requestId":"r","room":{"location":"', 'a', '"}}', size) },
  hostile: [
    { name: 'unsubscribe, requestId of digits', frame: (size) => fill('{"type":"unsubscribe","requestId":', '9', '}', size) },
    { name: 'subscribe, room value of digits', frame: (size) => fill('{"type":"subscribe","requestId":"r","room":{"location":', '9', '}}', size) },
  ],
} as const satisfies { benign: FrameKind; hostile: readonly FrameKind[] };

/** Frames of the rohrpost dialect (`/ws/rohrpost/`). */
export const ROHRPOST = {
  benign: { name: 'ping, a long data string', frame: (size) => fill('{"type":"ping","id":1,"data":{"text":"', 'a', '"}}', size) },
  hostile: [
    { name: 'ping, id of digits', frame: (size) => fill('{"type":"ping","id":', '9', '}', size) },
    { name: 'ping, data of digits', frame: (size) => fill('{"type":"ping","id":1,"data":{"n":', '9', '}}', size) },
  ],
} as const satisfies { benign: FrameKind; hostile: readonly FrameKind[] };

/** Frames of the binding dialect (`/ws/binding/`), on a model `bench.Note`. */
export const BINDING = {
  benign: { name: 'search, a filter of a long text', frame: (size) => fill('{"event":"bench.Note.search","data":{"filters":{"text":"', 'a', '"}}}', size) },
  hostile: [
    { name: 'search, a filter of digits', frame: (size) => fill('{"event":"bench.Note.search","data":{"filters":{"n":', '9', '}}}', size) },
  ],
} as const satisfies { benign: FrameKind; hostile: readonly FrameKind[] };



/** The least time of `runs` timings of `reps` calls of `fn`, in ms: the least is the one the machine's noise lengthened least. */
export function leastMs(fn: () => unknown, runs = 9, reps = 3): number {
  fn();
  let least = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn();
    least = Math.min(least, (performance.now() - t0) / reps);
  }
  return least;
}

/**
 * How much longer `decode` takes on a kind's 64 KB frame than on its 16 KB one: 4 when the cost is linear in the
 * size, 16 when quadratic.
 */
export function growth(kind: FrameKind, decode: (frame: string) => unknown): number {
  const big = kind.frame(65_000);
  const small = kind.frame(16_250);
  return leastMs(() => decode(big)) / leastMs(() => decode(small));
}

/** How many times as long `decode` takes on a kind's 64 KB frame as on the benign kind's. */
export function costRatio(kind: FrameKind, benign: FrameKind, decode: (frame: string) => unknown): number {
  const hostile = kind.frame(65_000);
  const plain = benign.frame(65_000);
  return leastMs(() => decode(hostile)) / leastMs(() => decode(plain));
}
