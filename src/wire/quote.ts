/**
 * Client text quoted back in an error message is cut to a short prefix, so that no reply grows with what a client
 * sent: a 60 KB event or type named in "No binding found for …" would otherwise come back twice, once echoed and
 * once quoted. Echoed routing fields (a binding `event`, a rohrpost `type`) stay whole; only quotes are cut.
 *
 * @example
 * quoted('shop.Todo.list'); // 'shop.Todo.list'
 * quoted('x'.repeat(60_000)).length; // 65: the first 64 characters, then '…'
 *
 * @module
 */

/** The most UTF-16 code units of client text an error message quotes. */
export const QUOTE_LIMIT = 64;

/** The ellipsis marker that ends a cut quote (U+2026). */
export const QUOTE_CUT = '…';

/**
 * `text` itself when it has at most `max` code units, else its first `max` (one fewer when the cut would split a
 * surrogate pair) followed by {@link QUOTE_CUT}. Pure.
 * @param max the most code units kept; {@link QUOTE_LIMIT} by default
 */
export function quoted(text: string, max: number = QUOTE_LIMIT): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  const end = last >= 0xd800 && last <= 0xdbff ? max - 1 : max;
  return `${text.slice(0, end)}${QUOTE_CUT}`;
}
