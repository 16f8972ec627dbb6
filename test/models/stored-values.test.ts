/**
 * The values docs/models.md promises, stored for real on SQLite and on the local PostgreSQL: any valid text, JSON,
 * timestamp, number and integer comes back exactly as the other engine gives it back (the expected value here is
 * the same for both), and finds itself through a filter; anything either engine cannot store as given — U+0000
 * or an unpaired surrogate in text or anywhere in JSON, an impossible date, a time outside
 * 0001-01-01T00:00:00.000Z..9999-12-31T23:59:59.999Z in UTC — is refused with `invalid`, as a value and as a
 * filter, and writes nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createModels, ModelError, type Model, type Store } from '../../src/models/index.js';
import { MAX_TIMESTAMP, MIN_TIMESTAMP } from '../../src/models/values.js';
import { openStore } from '../../src/models/index.js';
import { dropTables, engines, PG_URL, uniqueTable } from './stores.js';

const MIN_MS = Date.parse(MIN_TIMESTAMP);
const MAX_MS = Date.parse(MAX_TIMESTAMP);
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Any Unicode scalar value but U+0000: what a text field stores. */
const scalar = fc.oneof(
  fc.integer({ min: 1, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c)),
  fc.constantFrom('a', 'Z', ' ', '%', '_', '\\', "'", '"', 'é', 'ß', '😀', '\u0001', '\uffff', '\u{10ffff}'),
);
const text = fc.string({ unit: scalar, maxLength: 24 });
const json = fc.jsonValue({ stringUnit: scalar, maxDepth: 3 });

/** An instant in range, written in an offset a client might use, as it would write it. */
const timestamp = fc
  .tuple(fc.oneof(fc.integer({ min: MIN_MS, max: MAX_MS }), fc.constantFrom(MIN_MS, MAX_MS, 0, Date.parse('2024-02-29T12:00:00Z'))), fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }))
  .map(([ms, offset]) => {
    const local = new Date(ms + offset * 60_000);
    const zone = offset === 0 ? 'Z' : `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
    const written = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${zone}`;
    return { written, iso: new Date(ms).toISOString() };
  })
  .filter(({ written }) => /^\d{4}-/.test(written));

const valid = fc.record({
  t: text,
  j: json,
  at: timestamp,
  x: fc.double({ noNaN: true, noDefaultInfinity: true }),
  n: fc.oneof(fc.maxSafeInteger(), fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 0)),
});

/** A string only an engine-specific accident could store: U+0000 or an unpaired surrogate, somewhere in it. */
const badText = fc
  .tuple(text, text, fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d'))
  .filter(([, after, bad]) => !(bad === '\ud83d' && /^[\udc00-\udfff]/.test(after)))
  .map(([before, after, bad]) => `${before}${bad}${after}`);
const badJson = fc.oneof(
  badText,
  badText.map((s) => ({ a: [1, { b: s }] })),
  badText.map((s) => ({ [s]: true })),
  badText.map((s) => [[{ ok: 'x', [`k${s}`]: null }]]),
);
const daysIn = (y: number, m: number): number => new Date(Date.UTC(2000, m, 0)).getUTCDate() - (m === 2 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) ? 1 : 0);
const badTimestamp = fc.oneof(
  // A day the month lacks (Date.parse rolls it into the next month).
  fc.tuple(fc.integer({ min: 1, max: 9999 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 3 })).map(([y, m, extra]) => `${pad(y, 4)}-${pad(m)}-${pad(daysIn(y, m) + extra)}T00:00:00Z`),
  // Year 0000 in any offset, and offsets that carry an edge instant out of range.
  fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 })).map(([m, d, h]) => `0000-${pad(m)}-${pad(d)}T${pad(h)}:00:00Z`),
  fc.integer({ min: 1, max: 23 * 60 + 59 }).map((o) => `0001-01-01T00:00:00+${pad(Math.floor(o / 60))}:${pad(o % 60)}`),
  fc.integer({ min: 1, max: 23 * 60 + 59 }).map((o) => `9999-12-31T23:59:59.999-${pad(Math.floor(o / 60))}:${pad(o % 60)}`),
  // No zone (server-local time), and forms V8 guesses at.
  fc.constantFrom('2026-01-01T00:00:00', '2026-01-01T00:00', 'Tue Mar 03 2026', '+010000-01-01T00:00:00Z', '-000001-01-01T00:00:00Z', '2026-01-01T24:00:00Z'),
);
const invalid = fc.oneof(
  badText.map((v) => ({ t: v })),
  badJson.map((v) => ({ j: v })),
  badTimestamp.map((v) => ({ at: v })),
);

async function refused(p: Promise<unknown>): Promise<ModelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(err instanceof ModelError, `expected ModelError invalid, got ${String(err)}`);
  assert.equal(err.code, 'invalid', err.message);
  return err;
}

for (const engine of engines) {
  describe(`stored values on ${engine.name}`, { skip: engine.skip }, () => {
    let store: Store;
    let model: Model;
    let tags: Model;
    const table = uniqueTable('vals');
    const tables = [table, uniqueTable('vals_tag')];
    before(async () => {
      store = await engine.open();
      const models = createModels(store);
      model = models.define({ name: 'app.Val', table: table, fields: { id: 'key', t: 'text', j: 'json', at: 'timestamp', x: 'number', n: 'integer' } });
      tags = models.define({ name: 'app.ValTag', table: tables[1], key: 'slug', fields: { slug: 'text', label: 'text' } });
      await models.migrate();
    });
    after(async () => {
      await dropTables(store, tables);
      await store.close();
    });

    test('valid values round-trip exactly, and a filter on each finds the row', async () => {
      await fc.assert(
        fc.asyncProperty(valid, async ({ t, j, at, x, n }) => {
          // JSON has no -0: both engines give 0 back, for a number field and inside JSON.
          const expected = { t, j: JSON.parse(JSON.stringify(j)) as unknown, at: at.iso, x: Object.is(x, -0) ? 0 : x, n };
          const created = await model.create({ t, j, at: at.written, x, n });
          assert.deepEqual(created, { id: created.id, ...expected });
          assert.deepEqual(await model.retrieve(created.id), created);
          const found = await model.search({ filters: { id: created.id, t, at: at.written, x, n } });
          assert.deepEqual(found.rows, [created], 'equality filters on the given forms');
          const ranged = await model.search({ filters: { id: created.id, at: { gte: at.iso, lte: at.written }, t: { in: [t, 'other'] } } });
          assert.equal(ranged.count, 1, 'range and list filters');
        }),
        { numRuns: engine.name === 'postgres' ? 150 : 300 },
      );
    });

    test("JSON comes back equal; only SQLite keeps an object's key order (jsonb sorts keys shortest first)", async () => {
      const j = { bb: 1, a: { zz: [2, { y: 1, x: 0 }], z: null }, ccc: 'x', b: -0 };
      const back = (await model.create({ j })).j as Record<string, unknown>;
      assert.deepEqual(back, { ...j, b: 0 });
      const keys = [Object.keys(back), Object.keys(back.a as object)];
      assert.deepEqual(keys, engine.name === 'postgres' ? [['a', 'b', 'bb', 'ccc'], ['z', 'zz']] : [['bb', 'a', 'ccc', 'b'], ['zz', 'z']]);
    });

    test('the edges of the range store, order and compare in time order', async () => {
      await store.db.deleteFrom(table).execute();
      const written = ['9999-12-31T23:59:59.999Z', '0001-01-01T00:00:00Z', '0001-01-01T01:00:00.000+01:00', '9999-12-31T22:59:59.999-01:00', '1582-10-10T00:00:00Z', '0099-06-01'];
      await model.bulkCreate(written.map((at) => ({ at })));
      const asc = (await model.search({ order: 'at' })).rows.map((r) => r.at);
      assert.deepEqual(asc, [MIN_TIMESTAMP, MIN_TIMESTAMP, '0099-06-01T00:00:00.000Z', '1582-10-10T00:00:00.000Z', MAX_TIMESTAMP, MAX_TIMESTAMP]);
      assert.equal((await model.search({ filters: { at: { lt: '0099-06-01T00:00:00.001Z' } } })).count, 3);
      assert.equal((await model.search({ filters: { at: { gt: '9999-12-31T23:59:59.998Z' } } })).count, 2);
      assert.equal((await model.search({ filters: { at: '0001-01-01T00:00:00.000Z' } })).count, 2);
    });

    test('invalid values are refused with invalid, as data and as filters, and nothing is written', async () => {
      const before = (await model.search()).count;
      await fc.assert(
        fc.asyncProperty(invalid, async (data) => {
          const [[field, value]] = Object.entries(data) as [[string, unknown]];
          const err = await refused(model.create(data));
          assert.equal(err.details.length, 1);
          assert.match(err.details[0] ?? '', new RegExp(`^${field}: (must|the (string|key) )`));
          const existing = (await model.search({ limit: 1 })).rows[0];
          if (existing !== undefined) await refused(model.update(existing.id, data));
          if (field !== 'j') {
            const f = await refused(model.search({ filters: { [field]: value } }));
            assert.match(f.message, new RegExp(`^search: ${field}: must`));
            await refused(model.search({ filters: { [field]: { in: [value] } } }));
          }
          if (field === 't') await refused(model.search({ filters: { t: { contains: value } } }));
        }),
        { numRuns: engine.name === 'postgres' ? 150 : 300 },
      );
      assert.equal((await model.search()).count, before);
    });

    test('a text key no engine can store names no object: not-found, not a database error', async () => {
      await tags.create({ slug: 'ok', label: 'fine' });
      for (const slug of ['o\u0000k', 'ok\ud800']) {
        await refused(tags.create({ slug, label: 'x' }));
        for (const op of [() => tags.retrieve(slug), () => tags.update(slug, { label: 'y' }), () => tags.delete(slug), () => tags.save({ slug, label: 'z' })]) {
          const err = await op().then(
            () => undefined,
            (e: unknown) => e,
          );
          assert.ok(err instanceof ModelError && err.code === 'not-found', String(err));
        }
      }
      assert.deepEqual((await tags.list()).rows, [{ slug: 'ok', label: 'fine' }]);
    });

    test('a schema output is checked as input is (a coerced Date is stored as its instant), where it is written', async () => {
      const t = uniqueTable('vals_schema');
      tables.push(t);
      const models = createModels(store);
      const coerced = models.define({
        name: 'app.ValSchema',
        table: t,
        fields: { id: 'key', at: 'timestamp', t: 'text' },
        schema: {
          '~standard': {
            version: 1,
            vendor: 'test',
            validate: (v) => {
              const t = (v as { t?: unknown }).t;
              return { value: { ...(v as object), at: new Date(Date.UTC(2026, 0, 2)), t: t === 'bad' ? 'b\u0000' : t } };
            },
          },
        },
      });
      await models.migrate();
      const err = await refused(coerced.create({ t: 'bad' }));
      assert.deepEqual(err.details, ['t: must not contain U+0000 (at index 1) (as the schema gave it)']);
      assert.equal((await coerced.search()).count, 0);
      const made = await coerced.create({ t: 'good' });
      assert.deepEqual(made, { id: made.id, at: '2026-01-02T00:00:00.000Z', t: 'good' });
      // Only what an update writes is judged: a stored 'bad' (written around the model) does not block other fields.
      const raw = await store.db.insertInto(t).values({ t: 'bad' }).returning('id').executeTakeFirstOrThrow();
      assert.deepEqual(await coerced.update(raw.id, { at: '2030-01-01' }), { id: raw.id, at: '2026-01-02T00:00:00.000Z', t: 'bad' });
      assert.deepEqual((await refused(coerced.update(made.id, { t: 'bad' }))).details, ['t: must not contain U+0000 (at index 1) (as the schema gave it)']);
    });
  });
}

const postgres = engines.find((e) => e.name === 'postgres');
describe('timestamps on a PostgreSQL session in another time zone', { skip: postgres?.skip ?? 'no postgres' }, () => {
  test('the same instants come back, even where the zone prints local mean time offsets in seconds and BC years', async () => {
    // St. John's printed 0001-01-01T00:00:00Z as "0001-12-31 20:29:08-03:30:52 BC": pg must read it back as year 1.
    const store = await openStore(`${PG_URL}?options=${encodeURIComponent('-c TimeZone=America/St_Johns')}`);
    const table = uniqueTable('vals_tz');
    try {
      const models = createModels(store);
      const model = models.define({ name: 'app.ValTz', table, fields: { id: 'key', at: 'timestamp' } });
      await models.migrate();
      const zone = await sql<{ TimeZone: string }>`show timezone`.execute(store.db);
      assert.equal(zone.rows[0]?.TimeZone, 'America/St_Johns');
      await fc.assert(
        fc.asyncProperty(timestamp, async (at) => {
          const made = await model.create({ at: at.written });
          assert.equal(made.at, at.iso);
          assert.equal((await model.search({ filters: { id: made.id, at: at.iso } })).count, 1);
        }),
        { numRuns: 100 },
      );
      for (const at of [MIN_TIMESTAMP, MAX_TIMESTAMP, '1883-11-22T12:00:00.000Z']) assert.equal((await model.create({ at })).at, at);
    } finally {
      await dropTables(store, [table]);
      await store.close();
    }
  });
});
