// What a contract's schemas may be: zod 4 schemas, or the plain validators of
// `@ssekit/client/schema` that generated clients use instead of zod/mini (no zod in a browser bundle).
// Both are read through Standard Schema v1 when decoding; a plain validator also encodes.
import type { z } from 'zod';

/**
 * Standard Schema v1 (https://standardschema.dev), the part ssekit reads: zod 4 schemas implement
 * it, and so do ssekit's plain validators. Copied as the spec asks, so no package is needed for it.
 */
export interface StandardSchemaV1<TInput = unknown, TOutput = TInput> {
  readonly '~standard': {
    readonly version: 1;
    readonly vendor: string;
    readonly validate: (
      value: unknown,
    ) => StandardResult<TOutput> | Promise<StandardResult<TOutput>>;
    readonly types?: { readonly input: TInput; readonly output: TOutput } | undefined;
  };
}

/** One problem found by a Standard Schema; zod's issues and ssekit's carry a `code` as well. */
export interface StandardIssue {
  readonly message: string;
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined;
  readonly code?: string;
}

/** What validating gives: the value (decoded, or encoded), or the issues. */
export type StandardResult<T> =
  | { readonly value: T; readonly issues?: undefined }
  | { readonly value?: undefined; readonly issues: readonly StandardIssue[] };

/**
 * A validator of `@ssekit/client/schema`: Standard Schema for decoding (JSON value in, decoded value
 * out), and `~encode` for the other way (a stream's input on its way to the server).
 */
export interface PlainSchema<TOutput = unknown, TInput = unknown>
  extends StandardSchemaV1<TInput, TOutput> {
  readonly '~encode': (value: unknown) => StandardResult<TInput>;
}

/** A schema of a contract: any zod 4 schema, classic or `zod/mini`, or a plain validator. */
export type Schema = z.core.$ZodType | PlainSchema<any, any>;

/** Whether a schema is a plain validator (else it is a zod schema). */
export function isPlainSchema(schema: Schema): schema is PlainSchema<any, any> {
  return '~encode' in schema;
}

/** A schema's decoded type: `z.output` for zod, the same for a plain validator. */
export type Output<T> = T extends PlainSchema<infer TOutput, any> ? TOutput : z.output<T>;

/** A schema's wire type: `z.input` for zod, the same for a plain validator. */
export type Input<T> = T extends PlainSchema<any, infer TInput> ? TInput : z.input<T>;
