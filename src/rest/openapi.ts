/**
 * The OpenAPI 3.1 description of the REST API, generated from the model definitions: one path per collection,
 * object and bulk endpoint, schemas from each model's `fields`, the filter parameters each field accepts, the page
 * and error shapes. Pure: the same definitions give the same document.
 *
 * @example
 * openApiDocument(models.all().map((m) => m.definition), { prefix: '/api/' }).paths['/api/shop/order/']
 *
 * @module
 */
import type { ModelDefinition } from '../models/define.js';
import type { FieldType } from '../models/fields.js';
import { MAX_BULK_ITEMS } from './bulk.js';
import { QUERY_OPERATORS, RESERVED_PARAMS, type QueryOperator } from './query.js';

/** A JSON Schema (2020-12, as OpenAPI 3.1 uses it). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A `$ref` to a component. */
export interface Ref {
  readonly $ref: string;
}

export interface Parameter {
  readonly name: string;
  readonly in: 'query' | 'path';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema: JsonSchema;
}

export interface ResponseObject {
  readonly description: string;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: JsonSchema }>>;
  readonly content?: Readonly<Record<string, { readonly schema: JsonSchema | Ref }>>;
}

export interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters?: readonly (Parameter | Ref)[];
  readonly requestBody?: { readonly required: boolean; readonly content: Readonly<Record<string, { readonly schema: Ref }>> };
  readonly responses: Readonly<Record<string, ResponseObject | Ref>>;
}

export type PathItem = Readonly<Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', Operation>>>;

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description: string };
  readonly paths: Readonly<Record<string, PathItem>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly responses: Readonly<Record<string, ResponseObject>>;
    readonly parameters: Readonly<Record<string, Parameter>>;
  };
}

/** Options of {@link openApiDocument}. */
export interface OpenApiOptions {
  /** The REST prefix, with both slashes. */
  readonly prefix: string;
  /** @default 'roomcast models' */
  readonly title?: string;
  /** The API's version (`info.version`). @default '1' */
  readonly version?: string;
}

const ERRORS = {
  BadRequest: ['400', 'invalid input, query or JSON body'],
  Unauthorized: ['401', 'the auth strategy did not let the caller in'],
  Forbidden: ['403', 'a write rule refused, or a cross-site request'],
  NotFound: ['404', 'no such object, or one the caller may not read'],
  Conflict: ['409', 'the key is taken'],
  UnsupportedMediaType: ['415', 'the body is not application/json'],
  BadGateway: ['502', 'the authentication backend is unavailable'],
  GatewayTimeout: ['504', 'the authentication backend timed out'],
} as const;
type ErrorName = keyof typeof ERRORS;

const ref = (kind: 'schemas' | 'responses' | 'parameters', name: string): Ref => ({ $ref: `#/components/${kind}/${name}` });
const json = (schema: JsonSchema | Ref): { readonly 'application/json': { readonly schema: JsonSchema | Ref } } => ({ 'application/json': { schema } });

/** The JSON Schema of a field's values; every field but the key may be null. */
export function fieldSchema(type: FieldType, nullable: boolean): JsonSchema {
  const base: Record<FieldType, JsonSchema> = {
    key: { type: 'integer' },
    integer: { type: 'integer' },
    number: { type: 'number' },
    text: { type: 'string' },
    boolean: { type: 'boolean' },
    json: {},
    timestamp: { type: 'string', format: 'date-time' },
  };
  const schema = base[type];
  if (type === 'json' || !nullable) return schema;
  return { ...schema, type: [schema.type, 'null'] };
}

/** Generates the document for these models under `options.prefix`. */
export function openApiDocument(models: readonly ModelDefinition[], options: OpenApiOptions): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {
    Error: {
      type: 'object',
      required: ['error'],
      properties: { error: { type: 'string' }, details: { type: 'array', items: { type: 'string' }, description: 'one line per invalid field' } },
    },
  };
  const responses: Record<string, ResponseObject> = {
    Error: { description: 'an unexpected error', content: json(ref('schemas', 'Error')) },
  };
  for (const [name, [status, text]] of Object.entries(ERRORS)) responses[name] = { description: `${status}: ${text}`, content: json(ref('schemas', 'Error')) };
  const parameters: Record<string, Parameter> = {
    page: { name: 'page', in: 'query', description: '1-based page number; past the end reads the last page', schema: { type: 'integer', minimum: 0 } },
    limit: { name: 'limit', in: 'query', description: "page size, clamped to 1..the model's maxPageSize", schema: { type: 'integer', minimum: 0 } },
    order: { name: 'order', in: 'query', description: 'comma-separated fields, `-field` descending; the key breaks ties', schema: { type: 'string' } },
    filters: { name: 'filters', in: 'query', description: 'a JSON filter object (`{"field": value}`, `{"field": {"op": value}}`, `"$or"`), ANDed with the field filters', schema: { type: 'string' } },
  };
  const paths: Record<string, PathItem> = {};
  paths[`${options.prefix}openapi.json`] = {
    get: {
      operationId: 'openapi',
      summary: 'This document',
      tags: ['meta'],
      responses: { '200': { description: 'the OpenAPI document', content: json({ type: 'object' }) }, ...errorRefs(['Unauthorized', 'BadGateway', 'GatewayTimeout']) },
    },
  };
  for (const def of models) {
    Object.assign(schemas, modelSchemas(def));
    const base = `${options.prefix}${def.app.toLowerCase()}/${def.snake}/`;
    paths[base] = collectionPaths(def);
    paths[`${base}{key}/`] = objectPaths(def);
    paths[`${base}bulk/`] = bulkPaths(def);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: options.title ?? 'roomcast models',
      version: options.version ?? '1',
      description: 'Every request is authenticated like a WebSocket connection; writes obey the same permissions and publish the same change events. See docs/rest.md.',
    },
    paths,
    components: { schemas, responses, parameters },
  };
}

function errorRefs(names: readonly ErrorName[]): Record<string, Ref> {
  const out: Record<string, Ref> = {};
  for (const name of names) out[ERRORS[name][0]] = ref('responses', name);
  out.default = ref('responses', 'Error');
  return out;
}

function modelSchemas(def: ModelDefinition): Record<string, JsonSchema> {
  const all: Record<string, JsonSchema> = {};
  const create: Record<string, JsonSchema> = {};
  const changes: Record<string, JsonSchema> = {};
  for (const [field, type] of Object.entries(def.fields)) {
    const isKey = field === def.key;
    all[field] = { ...fieldSchema(type, !isKey), ...(type === 'key' ? { readOnly: true } : {}) };
    if (type !== 'key') create[field] = fieldSchema(type, !isKey);
    if (!isKey) changes[field] = fieldSchema(type, true);
  }
  const n = def.name;
  return {
    [n]: { type: 'object', description: `${n} as clients see it (a model's serialize may reshape it)`, properties: all },
    [`${n}.Create`]: { type: 'object', properties: create, additionalProperties: false },
    [`${n}.Changes`]: { type: 'object', properties: changes, additionalProperties: false },
    [`${n}.Page`]: {
      type: 'object',
      required: ['page', 'limit', 'count', 'rows'],
      properties: {
        page: { type: 'integer', minimum: 1 },
        limit: { type: 'integer', minimum: 1, maximum: def.maxPageSize },
        count: { type: 'integer', minimum: 0, description: 'objects matching, over all pages' },
        rows: { type: 'array', items: ref('schemas', n) },
      },
    },
    [`${n}.Bulk`]: {
      type: 'object',
      additionalProperties: false,
      description: `all or nothing, in one transaction; at most ${MAX_BULK_ITEMS} objects`,
      properties: {
        create: { type: 'array', items: ref('schemas', `${n}.Create`) },
        update: {
          type: 'array',
          items: { type: 'object', required: ['key', 'changes'], properties: { key: fieldSchema(def.keyType, false), changes: ref('schemas', `${n}.Changes`) } },
        },
        delete: { type: 'array', items: fieldSchema(def.keyType, false) },
      },
    },
    [`${n}.BulkResult`]: {
      type: 'object',
      properties: { create: { type: 'array', items: ref('schemas', n) }, update: { type: 'array', items: ref('schemas', n) }, delete: { type: 'array', items: ref('schemas', n) } },
    },
  };
}

function collectionPaths(def: ModelDefinition): PathItem {
  const n = def.name;
  return {
    get: {
      operationId: `${n}.list`,
      summary: `List ${n} objects the caller may read`,
      description: 'Filters: `field=value` (equality) or `field__op=value` with op one of eq, ne, lt, lte, gt, gte, in (comma list), contains (text, case-insensitive), isnull (true/false). Unknown parameters are refused (400).',
      tags: [n],
      parameters: [ref('parameters', 'page'), ref('parameters', 'limit'), ref('parameters', 'order'), ref('parameters', 'filters'), ...filterParameters(def)],
      responses: { '200': { description: 'one page', content: json(ref('schemas', `${n}.Page`)) }, ...errorRefs(['BadRequest', 'Unauthorized', 'BadGateway', 'GatewayTimeout']) },
    },
    post: {
      operationId: `${n}.create`,
      summary: `Create a ${n}`,
      tags: [n],
      requestBody: { required: true, content: { 'application/json': { schema: ref('schemas', `${n}.Create`) } } },
      responses: {
        '201': {
          description: 'created',
          headers: { Location: { description: 'the URL of the new object', schema: { type: 'string' } } },
          content: json(ref('schemas', n)),
        },
        ...errorRefs(['BadRequest', 'Unauthorized', 'Forbidden', 'Conflict', 'UnsupportedMediaType', 'BadGateway', 'GatewayTimeout']),
      },
    },
  };
}

function objectPaths(def: ModelDefinition): PathItem {
  const n = def.name;
  const key: Parameter = { name: 'key', in: 'path', required: true, description: `the ${def.key} of the object`, schema: fieldSchema(def.keyType, false) };
  const object = (description: string): ResponseObject => ({ description, content: json(ref('schemas', n)) });
  const body = (schema: string): Operation['requestBody'] => ({ required: true, content: { 'application/json': { schema: ref('schemas', schema) } } });
  const auth = ['Unauthorized', 'BadGateway', 'GatewayTimeout'] as const;
  return {
    get: { operationId: `${n}.retrieve`, summary: `One ${n}`, tags: [n], parameters: [key], responses: { '200': object('the object'), ...errorRefs(['NotFound', ...auth]) } },
    patch: {
      operationId: `${n}.update`,
      summary: `Change some fields of a ${n}`,
      tags: [n],
      parameters: [key],
      requestBody: body(`${n}.Changes`),
      responses: { '200': object('the object after the change'), ...errorRefs(['BadRequest', 'Forbidden', 'NotFound', 'UnsupportedMediaType', ...auth]) },
    },
    put: {
      operationId: `${n}.save`,
      summary: `Update the ${n} with this key, or create it`,
      description: 'Upsert: updates the fields given when the object exists; otherwise creates it with this key (a database-assigned key that does not exist is 404).',
      tags: [n],
      parameters: [key],
      requestBody: body(`${n}.Changes`),
      responses: {
        '200': object('updated'),
        '201': object('created'),
        ...errorRefs(['BadRequest', 'Forbidden', 'NotFound', 'Conflict', 'UnsupportedMediaType', ...auth]),
      },
    },
    delete: { operationId: `${n}.delete`, summary: `Delete a ${n}`, tags: [n], parameters: [key], responses: { '200': object('the deleted object, as it was'), ...errorRefs(['Forbidden', 'NotFound', ...auth]) } },
  };
}

function bulkPaths(def: ModelDefinition): PathItem {
  const n = def.name;
  return {
    post: {
      operationId: `${n}.bulk`,
      summary: `Create, update and delete ${n} objects in one transaction`,
      tags: [n],
      requestBody: { required: true, content: { 'application/json': { schema: ref('schemas', `${n}.Bulk`) } } },
      responses: {
        '200': { description: 'the objects, under the keys the request had', content: json(ref('schemas', `${n}.BulkResult`)) },
        ...errorRefs(['BadRequest', 'Unauthorized', 'Forbidden', 'NotFound', 'Conflict', 'UnsupportedMediaType', 'BadGateway', 'GatewayTimeout']),
      },
    },
  };
}

/** Every `field…` query parameter the list accepts (JSON fields accept none). */
function filterParameters(def: ModelDefinition): Parameter[] {
  const out: Parameter[] = [];
  for (const [field, type] of Object.entries(def.fields)) {
    if (type === 'json') continue;
    for (const op of QUERY_OPERATORS) {
      if (op === 'contains' && type !== 'text') continue;
      const plain = op === 'eq' && !(RESERVED_PARAMS as readonly string[]).includes(field);
      out.push({ name: plain ? field : `${field}__${op}`, in: 'query', description: describe(field, op), schema: operandSchema(type, op) });
    }
  }
  return out;
}

function describe(field: string, op: QueryOperator): string {
  switch (op) {
    case 'in':
      return `${field} is one of these (comma-separated)`;
    case 'isnull':
      return `${field} is NULL (true) or not (false)`;
    case 'contains':
      return `${field} contains this text, case-insensitively`;
    default:
      return `${field} ${op} this value`;
  }
}

function operandSchema(type: FieldType, op: QueryOperator): JsonSchema {
  if (op === 'isnull') return { type: 'boolean' };
  if (op === 'in') return { type: 'string', description: 'comma-separated values' };
  return fieldSchema(type === 'key' ? 'integer' : type, false);
}
