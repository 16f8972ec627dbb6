/**
 * The OpenAPI generator: the document is well-shaped (3.1.0, every operation has responses, every `$ref` resolves,
 * path templates have their parameters, operation ids are unique) and field types map as documented.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defineModel } from '../../src/models/define.js';
import { openApiDocument } from '../../src/rest/openapi.js';

const defs = [
  defineModel({ name: 'shop.OrderItem', fields: { id: 'key', title: 'text', total: 'number', qty: 'integer', paid: 'boolean', meta: 'json', at: 'timestamp', page: 'integer' } }),
  defineModel({ name: 'Wiki.Page', key: 'slug', fields: { slug: 'text', body: 'text' } }),
  defineModel({ name: 'wiki.Rev', key: 'n', fields: { n: 'integer', note: 'text' } }),
];
const doc = openApiDocument(defs, { prefix: '/api/' });

/** Every `$ref` in a JSON value, with where it was found. */
function refs(value: unknown, at = '#'): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => refs(v, `${at}/${i}`));
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [[at, v] as [string, string]] : refs(v, `${at}/${k}`)));
}

function resolve(root: unknown, pointer: string): unknown {
  assert.ok(pointer.startsWith('#/'), `${pointer} is a local reference`);
  return pointer
    .slice(2)
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, part) => (typeof node === 'object' && node !== null && Object.hasOwn(node, part) ? (node as Record<string, unknown>)[part] : undefined), root);
}

test('the document is valid-shaped', () => {
  const json = JSON.parse(JSON.stringify(doc)) as typeof doc;
  assert.equal(json.openapi, '3.1.0');
  assert.equal(typeof json.info.title, 'string');
  assert.equal(typeof json.info.version, 'string');
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(json.paths)) {
    assert.ok(path.startsWith('/api/'), path);
    const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const ops = Object.entries(item);
    assert.ok(ops.length > 0, `${path} has operations`);
    for (const [method, op] of ops) {
      assert.ok(['get', 'post', 'put', 'patch', 'delete'].includes(method), method);
      assert.ok(op !== undefined);
      assert.ok(!ids.has(op.operationId), `operationId ${op.operationId} is unique`);
      ids.add(op.operationId);
      const statuses = Object.keys(op.responses);
      assert.ok(statuses.length > 0, `${method} ${path} has responses`);
      for (const s of statuses) assert.match(s, /^(default|[1-5]\d\d)$/);
      assert.ok(statuses.some((s) => s.startsWith('2')), `${method} ${path} has a success response`);
      const params = (op.parameters ?? []).map((p) => ('$ref' in p ? resolve(json, p.$ref) : p) as { name: string; in: string; required?: boolean });
      for (const name of templated) assert.ok(params.some((p) => p.name === name && p.in === 'path' && p.required === true), `${method} ${path} declares {${name}}`);
      const names = params.map((p) => `${p.in}:${p.name}`);
      assert.equal(new Set(names).size, names.length, `${method} ${path} has no duplicate parameters`);
    }
  }
  for (const kind of ['schemas', 'responses', 'parameters'] as const) {
    for (const name of Object.keys(json.components[kind])) assert.match(name, /^[a-zA-Z0-9.\-_]+$/, `component name ${name}`);
  }
  const all = refs(json);
  assert.ok(all.length > 50);
  for (const [at, ref] of all) assert.notEqual(resolve(json, ref), undefined, `${ref} (at ${at}) resolves`);
});

test('paths: <prefix><app lower case>/<model snake_case>/', () => {
  assert.deepEqual(Object.keys(doc.paths), [
    '/api/openapi.json',
    '/api/shop/order_item/',
    '/api/shop/order_item/{key}/',
    '/api/shop/order_item/bulk/',
    '/api/wiki/page/',
    '/api/wiki/page/{key}/',
    '/api/wiki/page/bulk/',
    '/api/wiki/rev/',
    '/api/wiki/rev/{key}/',
    '/api/wiki/rev/bulk/',
  ]);
  assert.deepEqual(Object.keys(openApiDocument(defs.slice(2), { prefix: '/v2/' }).paths), ['/v2/openapi.json', '/v2/wiki/rev/', '/v2/wiki/rev/{key}/', '/v2/wiki/rev/bulk/']);
});

test('schemas from fields', () => {
  assert.deepEqual(doc.components.schemas['shop.OrderItem']?.properties, {
    id: { type: 'integer', readOnly: true },
    title: { type: ['string', 'null'] },
    total: { type: ['number', 'null'] },
    qty: { type: ['integer', 'null'] },
    paid: { type: ['boolean', 'null'] },
    meta: {},
    at: { type: ['string', 'null'], format: 'date-time' },
    page: { type: ['integer', 'null'] },
  });
  assert.equal('id' in (doc.components.schemas['shop.OrderItem.Create']?.properties as object), false);
  assert.deepEqual((doc.components.schemas['Wiki.Page.Create']?.properties as Record<string, unknown>).slug, { type: 'string' });
  assert.equal('slug' in (doc.components.schemas['Wiki.Page.Changes']?.properties as object), false);
  assert.deepEqual(doc.components.schemas.Error?.required, ['error']);
  const key = doc.paths['/api/wiki/page/{key}/']?.get?.parameters?.[0];
  assert.deepEqual(key, { name: 'key', in: 'path', required: true, description: 'the slug of the object', schema: { type: 'string' } });
});

test('filter parameters per field type', () => {
  const params = (doc.paths['/api/shop/order_item/']?.get?.parameters ?? []).flatMap((p) => ('name' in p ? [p.name] : []));
  assert.ok(params.includes('title') && params.includes('title__contains') && params.includes('qty__in') && params.includes('at__isnull'));
  assert.ok(!params.includes('qty__contains'), 'contains is for text only');
  assert.ok(!params.some((p) => p.startsWith('meta')), 'JSON fields cannot be filtered');
  assert.ok(params.includes('page__eq') && !params.includes('page'), 'a field named like a reserved parameter is filtered with __eq');
});
