/**
 * A search's `page` and `filters` read the way channels-binding 1.9.8 and the apps built on it read them
 * (docs/protocols/binding.md, "Pages and ordering"; channels-binding research §5). Pure.
 *
 * - `page`: 1.9.8 takes `int(page)` of an int or a string (anything else is page 1), then Django's
 *   `Paginator.get_page`: a page below 1 or past the end is the **last** page.
 * - `filters`: a list value means "one of" (`__in`), and an empty list no condition, as channels-binding's
 *   `and_filters`/`or_filters` helpers build it (its default `filter_queryset` raised on lists).
 *
 * @example
 * bindingPage('3'); // 3
 * bindingPage(0); // LAST_PAGE: the models' search answers the last page
 * bindingFilters({ status: ['open', 'held'], tags: [] }); // { status: { in: ['open', 'held'] } }
 *
 * @module
 */
import { isPlainObject } from '../../wire/json.js';

/** A page number the models' search clamps to the last page. */
export const LAST_PAGE = Number.MAX_SAFE_INTEGER;

/** Python's `int()` of a string: surrounding whitespace, a sign, digits with single underscores between them. */
const PYTHON_INT = /^\s*([+-]?\d+(?:_\d+)*)\s*$/;

/**
 * The page to ask the models for: `page` as 1.9.8 turns it into an integer (an integer, `true`/`false` as 1/0, a
 * string of one; anything else, 2.5 or `"x"` included, is 1), and {@link LAST_PAGE} when that integer is below 1
 * or beyond any page.
 */
export function bindingPage(raw: unknown): number {
  let n: number;
  if (typeof raw === 'boolean') n = raw ? 1 : 0;
  else if (typeof raw === 'number' && Number.isInteger(raw)) n = raw;
  else if (typeof raw === 'string') {
    const digits = PYTHON_INT.exec(raw)?.[1];
    if (digits === undefined) return 1;
    n = Number(digits.replaceAll('_', ''));
  } else return 1;
  return n >= 1 && n <= LAST_PAGE ? n : LAST_PAGE;
}

/**
 * `filters` with every list value turned into `{"in": list}` and every empty list left out, in `$or` branches too;
 * anything that is not a filter object is returned as it is, for the models to refuse.
 */
export function bindingFilters(raw: unknown): unknown {
  if (!isPlainObject(raw)) return raw;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [field, value] of Object.entries(raw)) {
    if (field === '$or' && Array.isArray(value)) out[field] = value.map(bindingFilters);
    else if (!Array.isArray(value)) out[field] = value;
    else if (value.length > 0) out[field] = { in: value };
  }
  return out;
}
