// A zod schema's encoder compiled once into plain functions that check a value and write its JSON in
// one pass: what `encodeData` tries before `z.encode` and `JSON.stringify`. It covers what events are
// mostly made of; for any other schema, and any value it does not accept, zod decides, so every
// refusal and its issues stay zod's own.
import type { $ZodType } from 'zod/v4/core';
import { codecOf } from '../codecs/codec-of.js';
import { codePointLength } from '../wire/limits.js';

/**
 * The JSON of `value` encoded with its schema, byte for byte `JSON.stringify(z.encode(schema, value))`
 * (joined with `+`, so a rope: see `flatJson`); or `undefined` when the value is not accepted here
 * (invalid, or valid in a way this encoder does not look into): the caller then asks zod.
 */
export type FastEncoder = (value: unknown) => string | undefined;

type Def = Record<string, unknown> & { readonly type: string };
type Check = { readonly _zod: { readonly def: Record<string, unknown> } };

/** Nothing compiled for a schema: zod encodes it. */
const NONE = null;
const compiled = new WeakMap<object, FastEncoder | null>();

/**
 * The compiled encoder of `schema`, built on first use and kept with the schema; `null` when the schema
 * holds anything outside what compiles (refinements, transforms but ssekit's codecs, defaults,
 * records, tuples, string formats, recursion...).
 *
 * What compiles: objects (zod's default, unknown keys stripped), with optional and nullable fields;
 * strings, numbers and arrays with length and bound checks (`min`, `max`, `length`, `int`, `gt`...);
 * booleans, `null`, enums, literals, dates, unions, `readonly`, `isoDate()` and `bigintString()`.
 */
export function fastEncoder(schema: $ZodType): FastEncoder | null {
  let encoder = compiled.get(schema);
  if (encoder === undefined) {
    encoder = compile(schema, new Set());
    compiled.set(schema, encoder);
  }
  return encoder;
}

function compile(schema: $ZodType, visiting: Set<$ZodType>): FastEncoder | null {
  // A schema met again on its own path is recursive (a getter in a shape): zod walks it.
  if (visiting.has(schema)) return NONE;
  visiting.add(schema);
  try {
    return compileNode(schema, visiting);
  } finally {
    visiting.delete(schema);
  }
}

function compileNode(schema: $ZodType, visiting: Set<$ZodType>): FastEncoder | null {
  const def = schema._zod.def as unknown as Def;
  if (def.coerce === true) return NONE;
  // A schema that is a check itself (`z.int()`, `z.email()`, `z.iso.datetime()`): only `z.int()`'s
  // compiles, as the number's first check.
  const own = def.check === undefined ? [] : [schema as unknown as Check];
  if (own.length > 0 && !(def.type === 'number' && def.format === 'safeint')) return NONE;
  const checks = [...own, ...((def.checks ?? []) as readonly Check[])];
  switch (def.type) {
    case 'string': {
      const bounds = lengthBounds(checks);
      return (
        bounds &&
        ((value) =>
          typeof value === 'string' && stringWithin(value, bounds)
            ? JSON.stringify(value)
            : undefined)
      );
    }
    case 'number': {
      const check = numberCheck(checks);
      // zod refuses NaN and ±Infinity; `String` of any other number is its JSON.
      return (
        check &&
        ((value) =>
          typeof value === 'number' && Number.isFinite(value) && check(value)
            ? String(value)
            : undefined)
      );
    }
    case 'boolean':
      return checks.length > 0
        ? NONE
        : (value) => (value === true ? 'true' : value === false ? 'false' : undefined);
    case 'null':
      return checks.length > 0 ? NONE : (value) => (value === null ? 'null' : undefined);
    case 'enum':
    case 'literal':
      return checks.length > 0 ? NONE : compileValues(schema);
    case 'date':
      return checks.length > 0
        ? NONE
        : (value) => (isValidDate(value) ? JSON.stringify(value) : undefined);
    case 'readonly':
      return checks.length > 0 ? NONE : compile(def.innerType as $ZodType, visiting);
    case 'nullable': {
      const inner = checks.length > 0 ? NONE : compile(def.innerType as $ZodType, visiting);
      return inner && ((value) => (value === null ? 'null' : inner(value)));
    }
    case 'array': {
      const bounds = lengthBounds(checks);
      const element = bounds && elementEncoder(def.element as $ZodType, visiting);
      return bounds && element && compileArray(element, bounds);
    }
    case 'object':
      return checks.length > 0 || def.catchall !== undefined ? NONE : compileObject(def, visiting);
    case 'union':
      return checks.length > 0 ? NONE : compileUnion(def.options as readonly $ZodType[], visiting);
    case 'pipe':
      return checks.length > 0 ? NONE : compileCodec(schema);
    default:
      return NONE;
  }
}

/** An array element: `undefined` there would be JSON's `null`, so an optional element is zod's. */
function elementEncoder(element: $ZodType, visiting: Set<$ZodType>): FastEncoder | null {
  return (element._zod.def as unknown as Def).type === 'optional'
    ? NONE
    : compile(element, visiting);
}

function compileArray(element: FastEncoder, { min, max }: Bounds): FastEncoder {
  return (value) => {
    if (!Array.isArray(value) || value.length < min || value.length > max) return undefined;
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const json = element(value[i]);
      if (json === undefined) return undefined;
      out += i === 0 ? json : `,${json}`;
    }
    return `${out}]`;
  };
}

/**
 * An object as zod's `z.object` encodes it: the keys of the shape in its order, unknown keys dropped.
 * An optional field that is absent or `undefined` is left out, as `JSON.stringify` leaves it.
 */
function compileObject(def: Def, visiting: Set<$ZodType>): FastEncoder | null {
  const shape = def.shape as Record<string, $ZodType>;
  const keys = Object.keys(shape);
  const prefixes: string[] = [];
  const fields: FastEncoder[] = [];
  const optional: boolean[] = [];
  for (const key of keys) {
    // zod builds its output by assignment: a `__proto__` key would set the prototype instead.
    if (key === '__proto__') return NONE;
    let field = shape[key]!;
    const fieldDef = field._zod.def as unknown as Def;
    const isOptional = fieldDef.type === 'optional';
    if (isOptional) {
      if ((fieldDef.checks as unknown[] | undefined)?.length) return NONE;
      field = fieldDef.innerType as $ZodType;
    }
    const encoder = compile(field, visiting);
    if (encoder === null) return NONE;
    prefixes.push(`${JSON.stringify(key)}:`);
    fields.push(encoder);
    optional.push(isOptional);
  }
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    let out = '';
    for (let i = 0; i < keys.length; i++) {
      const field = record[keys[i]!];
      if (field === undefined && optional[i]) continue;
      const json = fields[i]!(field);
      if (json === undefined) return undefined;
      out += out === '' ? prefixes[i]! + json : `,${prefixes[i]}${json}`;
    }
    return `{${out}}`;
  };
}

/** zod's union answers with its first option that accepts the value: so does this. */
function compileUnion(options: readonly $ZodType[], visiting: Set<$ZodType>): FastEncoder | null {
  const encoders: FastEncoder[] = [];
  for (const option of options) {
    const encoder = compile(option, visiting);
    if (encoder === null) return NONE;
    encoders.push(encoder);
  }
  return (value) => {
    for (const encoder of encoders) {
      const json = encoder(value);
      if (json !== undefined) return json;
    }
    return undefined;
  };
}

/** An enum's or a literal's values, when every one is a string, a finite number, a boolean or null. */
function compileValues(schema: $ZodType): FastEncoder | null {
  const values = (schema._zod as { values?: ReadonlySet<unknown> }).values;
  if (values === undefined) return NONE;
  for (const v of values) {
    const plain =
      typeof v === 'string' ||
      typeof v === 'boolean' ||
      v === null ||
      (typeof v === 'number' && Number.isFinite(v));
    if (!plain) return NONE;
  }
  return (value) => (values.has(value) ? JSON.stringify(value) : undefined);
}

/** A `Date` as `z.date()` accepts it: a real one, not an invalid one. */
function isValidDate(value: unknown): value is Date {
  return value instanceof Date && !Number.isNaN(value.getTime());
}

/**
 * `isoDate()` and `bigintString()`. A date's ISO string is zod's only when `toISOString` is the
 * built-in one (zod calls whatever the object has) and the year has four digits (years past 9999 or
 * before 0 are written `+010000` and `-000001`, which the ISO check refuses): else zod decides.
 */
function compileCodec(schema: $ZodType): FastEncoder | null {
  switch (codecOf(schema)) {
    case 'isoDate':
      return (value) => {
        if (!isValidDate(value) || value.toISOString !== toISOString) return undefined;
        const iso = isoString(value.getTime());
        return iso === undefined ? undefined : `"${iso}"`;
      };
    case 'bigintString':
      return (value) => (typeof value === 'bigint' ? `"${value}"` : undefined);
    default:
      return NONE;
  }
}

const toISOString = Date.prototype.toISOString;
/** '00' to '99'. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));
const DAY_MS = 86_400_000;

/**
 * What `Date.prototype.toISOString` gives for the time `ms`, for years 0 to 9999 (else `undefined`),
 * in arithmetic: the built-in is a call into the runtime, 2.5 times as slow, and a timestamp is in
 * most events. The civil date from the day count is Howard Hinnant's `civil_from_days`
 * (https://howardhinnant.github.io/date_algorithms.html); the tests hold it to the built-in.
 */
export function isoString(ms: number): string | undefined {
  const days = Math.floor(ms / DAY_MS);
  const time = ms - days * DAY_MS;
  // Days since 0000-03-01, in 400-year eras of 146 097 days.
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return undefined;
  const millis = time % 1000;
  return (
    `${TWO_DIGITS[Math.floor(year / 100)]}${TWO_DIGITS[year % 100]}-${TWO_DIGITS[month]}-` +
    `${TWO_DIGITS[day]}T${TWO_DIGITS[Math.floor(time / 3_600_000)]}:` +
    `${TWO_DIGITS[Math.floor(time / 60_000) % 60]}:${TWO_DIGITS[Math.floor(time / 1000) % 60]}.` +
    `${TWO_DIGITS[Math.floor(millis / 10)]}${millis % 10}Z`
  );
}

/** A length's bounds, both inclusive. */
interface Bounds {
  readonly min: number;
  readonly max: number;
}

/** The checks of a string's or an array's length that compile: `min`, `max`, `length`. */
function lengthBounds(checks: readonly Check[]): Bounds | null {
  let min = 0;
  let max = Number.POSITIVE_INFINITY;
  for (const check of checks) {
    const def = check._zod.def;
    // zod runs a length check only on a value that has a length; after the type test here, every
    // value does. Any other condition is zod's to judge.
    if (def.when !== undefined && (def.when as { name?: string }).name !== '_whenHasLength') {
      return NONE;
    }
    switch (def.check) {
      case 'min_length':
        min = Math.max(min, def.minimum as number);
        break;
      case 'max_length':
        max = Math.min(max, def.maximum as number);
        break;
      case 'length_equals':
        min = Math.max(min, def.length as number);
        max = Math.min(max, def.length as number);
        break;
      default:
        return NONE;
    }
  }
  return { min, max };
}

/**
 * Whether a string's length is within `bounds` counted both ways, in UTF-16 units and in code points:
 * zod has counted either, by version, and a string accepted here must be accepted by every one.
 */
function stringWithin(value: string, { min, max }: Bounds): boolean {
  const units = value.length;
  // Code points are at most the units, and at least half of them.
  if (units > max || units < min) return false;
  return Math.ceil(units / 2) >= min || codePointLength(value) >= min;
}

/** The checks of a number that compile: bounds (`min`, `gt`, `max`, `lt`...) and `int`. */
function numberCheck(checks: readonly Check[]): ((value: number) => boolean) | null {
  const tests: ((value: number) => boolean)[] = [];
  for (const check of checks) {
    const def = check._zod.def;
    if (def.when !== undefined) return NONE;
    const bound = def.value;
    if (def.check === 'greater_than' && typeof bound === 'number') {
      tests.push(def.inclusive ? (v) => v >= bound : (v) => v > bound);
    } else if (def.check === 'less_than' && typeof bound === 'number') {
      tests.push(def.inclusive ? (v) => v <= bound : (v) => v < bound);
    } else if (def.check === 'number_format' && def.format === 'safeint') {
      tests.push(Number.isSafeInteger);
    } else {
      return NONE;
    }
  }
  if (tests.length === 0) return () => true;
  return (value) => {
    for (const test of tests) if (!test(value)) return false;
    return true;
  };
}

/**
 * `json` as one flat string, as `JSON.stringify` gives it. The compiled encoder joins its pieces with
 * `+`, which makes a rope: a log that keeps the event would keep the rope's nodes and every piece (435
 * bytes an event of the README's `price`, against 96 flat). Reading a character makes V8 flatten the
 * rope in place, and the pieces die young. For what is kept (`encodeBroadcast`); a stream's yield is
 * framed and written at once, which flattens it anyway. (An engine that does not flatten here is
 * slower to collect, never wrong.)
 */
export function flatJson(json: string): string {
  json.charCodeAt(0);
  return json;
}
