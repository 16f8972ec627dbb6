/**
 * Standard Schema v1 (https://standardschema.dev): the interface zod, valibot, arktype and others implement. Types
 * only, as the spec intends, so users bring whichever validator they already use and roomcast depends on none.
 *
 * @module
 */

/** One problem a validator found. */
export interface SchemaIssue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }>;
}

/** A validator's verdict. */
export type SchemaResult<Output> = { readonly value: Output; readonly issues?: undefined } | { readonly issues: ReadonlyArray<SchemaIssue> };

/** Any Standard Schema validator. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (value: unknown) => SchemaResult<Output> | Promise<SchemaResult<Output>>;
    readonly types?: { readonly input: Input; readonly output: Output } | undefined;
  };
}

/** `path.to.field: message` for each issue. */
export function describeIssues(issues: ReadonlyArray<SchemaIssue>): string[] {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
    return path === '' ? issue.message : `${path}: ${issue.message}`;
  });
}
