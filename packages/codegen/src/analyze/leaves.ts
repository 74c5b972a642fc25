// The analyze stage for schemas printed in one piece (literals, enums, template literals) and for
// defaults: each with its zod/mini source and its types, or refused with the reason.
import type { z } from 'zod';
import { CodegenErrorCode, type SchemaLocation, schemaError } from '../errors.js';
import { readDefault } from './computed-default.js';
import { raw, type TsType, union } from './ts-type.js';
import { printValue } from './values.js';

type Schema = z.core.$ZodType;
type Def = Record<string, unknown>;

/** A schema printed in one piece, with its type. */
export interface Leaf {
  readonly zod: string;
  readonly output: TsType;
}

const valuesType = (schema: Schema) =>
  union([...(schema._zod.values ?? [])].map((value) => raw(printValue(value)!)));

/** `z.literal(…)`: JSON values only; `undefined` only where a key may be left out. */
export function printLiteral(schema: Schema, location: SchemaLocation, inProperty: boolean): Leaf {
  const values = (schema._zod.def as unknown as Def).values as unknown[];
  for (const value of values) {
    if (typeof value === 'bigint') {
      throw schemaError(CodegenErrorCode.NO_JSON_FORM, location, 'a bigint literal');
    }
    if (value === undefined && !inProperty) {
      throw schemaError(
        CodegenErrorCode.NO_JSON_FORM,
        location,
        'z.literal(undefined) outside an object property',
      );
    }
  }
  const printed = values.map((v) => printValue(v)!);
  const zod =
    printed.length === 1 ? `z.literal(${printed[0]})` : `z.literal([${printed.join(', ')}])`;
  return { zod, output: valuesType(schema) };
}

/** `z.enum([…])` for plain string enums, `z.enum({ … } as const)` for the rest (native enums). */
export function printEnum(schema: Schema, location: SchemaLocation): Leaf {
  const entries = Object.entries(
    (schema._zod.def as unknown as Def).entries as Record<string, string | number>,
  );
  if (entries.length > 0 && (schema._zod.values?.size ?? 0) === 0) {
    throw schemaError(CodegenErrorCode.NOT_PRINTABLE, location, 'an enum without values');
  }
  const plain = entries.every(([key, value]) => key === value);
  // A numeric TypeScript enum's object maps values back to names (`{ 1: 'Low', Low: 1 }`): zod
  // leaves those out of the values, and so does the printed object, or its type would take the
  // names as values too.
  const numbers = entries.map(([, value]) => value).filter((value) => typeof value === 'number');
  const members = entries.filter(([key]) => !numbers.includes(Number(key)));
  const zod = plain
    ? `z.enum([${entries.map(([, v]) => JSON.stringify(v)).join(', ')}])`
    : `z.enum({ ${members.map(([k, v]) => `${JSON.stringify(k)}: ${printValue(v)}`).join(', ')} } as const)`;
  return { zod, output: valuesType(schema) };
}

/**
 * The source of a `.default()` or `.prefault()` value. A default computed by a function (a
 * timestamp, a random id) is refused on every run, with what to do instead: a generated file must
 * not change with the clock, or `--check` would fail on every CI run.
 */
export function printDefault(def: Def, location: SchemaLocation): string {
  const read = readDefault(def);
  const printed = read.status === 'constant' ? printValue(read.value) : undefined;
  if (printed === undefined) {
    throw schemaError(
      CodegenErrorCode.NOT_PRINTABLE,
      location,
      'a default computed by a function (such as `.default(() => Date.now())`)',
      'give it a constant default, or make the field optional and fill it in on the server before publishing',
    );
  }
  return printed;
}

/** A literal part of a template literal type: backslashes, backticks and `${` escaped. */
export function templateText(part: unknown): string {
  return String(part).replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
}

/** The text of a part's type inside `${…}` (parts are always simple types). */
export function templateType(type: TsType): string {
  if (type.kind === 'raw') return type.text;
  if (type.kind === 'union') return type.members.map(templateType).join(' | ');
  return 'string';
}

/**
 * The def keys each zod type may carry for the printer to rebuild it; any other key is an option it
 * does not know (from a newer zod, say), refused rather than silently dropped. String and number
 * formats are checked by rebuilding them instead.
 */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  boolean: [],
  null: [],
  any: [],
  unknown: [],
  never: [],
  undefined: [],
  void: [],
  literal: ['values'],
  enum: ['entries'],
  template_literal: ['parts'],
  object: ['shape', 'catchall'],
  array: ['element'],
  tuple: ['items', 'rest'],
  record: ['keyType', 'valueType', 'mode', 'partial'],
  union: ['options', 'discriminator', 'inclusive', 'unionFallback'],
  intersection: ['left', 'right'],
  optional: ['innerType'],
  nullable: ['innerType'],
  nonoptional: ['innerType'],
  readonly: ['innerType'],
  success: ['innerType'],
  default: ['innerType', 'defaultValue'],
  prefault: ['innerType', 'defaultValue'],
  lazy: ['getter'],
  // A transform makes a codec: refused by the pipe printer, with a message of its own.
  pipe: ['in', 'out', 'transform', 'reverseTransform'],
};

/** Keys that change messages only (`error`, `abort`) or are read by every printer. */
const ALWAYS = new Set(['type', 'checks', 'error', 'abort', 'coerce']);

/** Throw for a def key the printer would drop. */
export function rejectUnknownOptions(def: Def, location: SchemaLocation): void {
  const known = KNOWN_KEYS[String(def.type)];
  if (!known) return;
  for (const [key, value] of Object.entries(def)) {
    // `_`-keys are zod's own caches (`_cachedInner` on a lazy def once it ran).
    if (value === undefined || key.startsWith('_') || ALWAYS.has(key) || known.includes(key))
      continue;
    throw schemaError(
      CodegenErrorCode.NOT_PRINTABLE,
      location,
      `the option "${key}" of z.${String(def.type)}()`,
    );
  }
}
