// `@ssekit/client/schema`: plain validators under zod/mini's names, for the subset of zod that a
// generated client's schemas use when they can do without zod (objects, arrays, strings, numbers,
// enums, literals, unions, optional and nullable, ssekit's codecs). `ssekit generate` prints the
// same source as for zod/mini and imports this module instead, so a browser bundle carries no zod.
// Every constructor decodes, encodes and reports issues as its zod 4.6 namesake (tested against it).
import {
  Abort,
  aborted,
  adopt,
  issue,
  lazyTraits,
  type Run,
  runAt,
  tryRun,
  Validator,
} from './validator.js';

export * from './checks.js';
export type { Check, Issue } from './validator.js';
export { Validator };

/** A plain validator: `Schema<Price, PriceWire>` decodes a `PriceWire` into a `Price`. */
export type Schema<TOutput = unknown, TInput = TOutput> = Validator<TOutput, TInput>;

type AnySchema = Validator<any, any>;
type OutputOf<T> = T extends Validator<infer O, any> ? O : never;
type InputOf<T> = T extends Validator<any, infer I> ? I : never;
type Shape = { readonly [key: string]: AnySchema };

/** A node that accepts what `accepts` says, reporting `invalid_type` with `expected` otherwise. */
function typed<T>(expected: string, accepts: (value: unknown) => boolean): Validator<T> {
  return new Validator((value, run) => {
    if (!accepts(value)) issue(run, { code: 'invalid_type', expected });
    return value;
  });
}

export const string = (): Validator<string> => typed('string', (v) => typeof v === 'string');

export const boolean = (): Validator<boolean> => typed('boolean', (v) => typeof v === 'boolean');

export const bigint = (): Validator<bigint> => typed('bigint', (v) => typeof v === 'bigint');

export const unknown = (): Validator<unknown> => new Validator((value) => value);

export { unknown as any };

const _null = (): Validator<null> => typed('null', (v) => v === null);

export { _null as null };

/** A finite number: `NaN` and `±Infinity` are refused, as zod does, and named as it names them. */
export const number = (): Validator<number> =>
  new Validator((value, run) => {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    const received =
      typeof value !== 'number' ? {} : { received: Number.isNaN(value) ? 'NaN' : 'Infinity' };
    issue(run, { code: 'invalid_type', expected: 'number', ...received });
    return value;
  });

/** A safe integer: `z.int()`. */
export const int = (): Validator<number> =>
  number().check({
    check(value: number, run) {
      if (!Number.isInteger(value)) {
        issue(run, { code: 'invalid_type', expected: 'int', format: 'safeint' }, Abort.HALTS);
      } else if (!Number.isSafeInteger(value)) {
        const big = value > 0;
        issue(
          run,
          big
            ? { code: 'too_big', maximum: Number.MAX_SAFE_INTEGER, origin: 'int', inclusive: true }
            : {
                code: 'too_small',
                minimum: Number.MIN_SAFE_INTEGER,
                origin: 'int',
                inclusive: true,
              },
          Abort.GOES_ON,
        );
      }
    },
  });

/** A valid `Date` (the decoded side of `isoDate()`). */
export const date = (): Validator<Date> =>
  new Validator((value, run) => {
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
      issue(run, {
        code: 'invalid_type',
        expected: 'date',
        ...(value instanceof Date ? { received: 'Invalid Date' } : {}),
      });
    }
    return value;
  });

/** A string in a named format that `pattern` recognises: `z.stringFormat(name, pattern)`. */
export const stringFormat = (format: string, pattern: RegExp): Validator<string> =>
  string().check({
    check(value: string, run) {
      pattern.lastIndex = 0;
      if (!pattern.test(value)) issue(run, { code: 'invalid_format', format }, Abort.GOES_ON);
    },
  });

/** One of the given values (`z.enum(['buy', 'sell'])`, or a TypeScript enum's object). */
function _enum<const T extends readonly (string | number)[]>(values: T): Validator<T[number]>;
function _enum<const T extends Readonly<Record<string, string | number>>>(
  entries: T,
): Validator<T[keyof T]>;
function _enum(entries: readonly unknown[] | Record<string, unknown>): Validator<unknown> {
  return oneOf(
    Array.isArray(entries)
      ? (entries as readonly unknown[])
      : enumValues(entries as Record<string, unknown>),
  );
}

export { _enum as enum };

/** A TypeScript enum's values: its numeric members' reverse entries left out, as zod does. */
function enumValues(entries: Record<string, unknown>): unknown[] {
  const numbers = Object.values(entries).filter((v) => typeof v === 'number');
  return Object.entries(entries)
    .filter(([key]) => !numbers.includes(+key))
    .map(([, value]) => value);
}

function oneOf(values: readonly unknown[]): Validator<any> {
  const set = new Set(values);
  return new Validator(
    (value, run) => {
      if (!set.has(value)) issue(run, { code: 'invalid_value', values });
      return value;
    },
    [],
    { values: set },
  );
}

/** A set of values plus one more (`optional` adds `undefined`, `nullable` adds `null`). */
const plus = (values: ReadonlySet<unknown> | undefined, more: unknown) =>
  values && new Set([...values, more]);

/** One value, or one of several: `z.literal('x')`, `z.literal([1, 2])`. */
export function literal<const T extends string | number | boolean | null | undefined>(
  value: T | readonly T[],
): Validator<T> {
  return oneOf(Array.isArray(value) ? value : [value]);
}

/** A value or `undefined`; in an object, a key that may be left out. */
export function optional<T extends AnySchema>(
  inner: T,
): Validator<OutputOf<T> | undefined, InputOf<T> | undefined> {
  return new Validator(
    (value, run) => (value === undefined ? value : inner.run(value, run)),
    [],
    lazyTraits(() => ({ optional: true, values: plus(inner.traits.values, undefined) })),
  );
}

/** A value or `null`. */
export function nullable<T extends AnySchema>(
  inner: T,
): Validator<OutputOf<T> | null, InputOf<T> | null> {
  return new Validator(
    (value, run) => (value === null ? value : inner.run(value, run)),
    [],
    lazyTraits(() => ({ optional: inner.optional, values: plus(inner.traits.values, null) })),
  );
}

/** An array of `element`s. */
export function array<T extends AnySchema>(element: T): Validator<OutputOf<T>[], InputOf<T>[]> {
  return new Validator(
    (value, run) => {
      if (!Array.isArray(value)) {
        issue(run, { code: 'invalid_type', expected: 'array' });
        return value;
      }
      const output = new Array(value.length);
      for (let i = 0; i < value.length; i++) output[i] = runAt(element, i, value[i], run);
      return output;
    },
    [],
    { sized: true },
  );
}

/** An object as zod takes one: not `null`, not an array. */
const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type ObjectOutput<S extends Shape> = { -readonly [K in keyof S]: OutputOf<S[K]> };
type ObjectInput<S extends Shape> = { -readonly [K in keyof S]: InputOf<S[K]> };

/**
 * Unknown keys: dropped (`z.object`), refused (`z.strictObject`) or kept (`z.looseObject`).
 */
function objectOf<S extends Shape>(
  shape: S,
  unknownKeys: 'strip' | 'strict' | 'loose',
): Validator<ObjectOutput<S>, ObjectInput<S>> {
  const keys = Object.keys(shape);
  const traits = lazyTraits(() => {
    const props = new Map<string, ReadonlySet<unknown>>();
    for (const key of keys) {
      const values = shape[key]!.traits.values;
      if (values) props.set(key, values);
    }
    return { props };
  });
  return new Validator(
    (value, run) => {
      if (!isObject(value)) {
        issue(run, { code: 'invalid_type', expected: 'object' });
        return value;
      }
      const input = value;
      const output: Record<string, unknown> = {};
      for (const key of keys) {
        const schema = shape[key]!;
        const present = key in input;
        // A key that may be missing and is missing: nothing to check, nothing in the output.
        if (schema.optional && !present) continue;
        const from = run.issues.length;
        const result = runAt(schema, key, input[key], run);
        if (!present) {
          // A missing key that a schema took for `undefined` (`z.unknown()`) is still missing.
          if (run.issues.length === from) {
            run.path.push(key);
            issue(run, { code: 'invalid_type', expected: 'nonoptional' });
            run.path.pop();
          }
          continue;
        }
        // `__proto__` is never copied onto the output: it would set the output's prototype.
        if (key !== '__proto__') output[key] = result;
      }
      if (unknownKeys !== 'strip') {
        const unrecognized: string[] = [];
        for (const key in input) {
          if (Object.hasOwn(shape, key)) continue;
          if (unknownKeys === 'strict') unrecognized.push(key);
          else if (key !== '__proto__') output[key] = input[key];
        }
        if (unrecognized.length > 0) {
          issue(run, { code: 'unrecognized_keys', keys: unrecognized }, Abort.GOES_ON);
        }
      }
      return output;
    },
    [],
    traits,
  );
}

export const object = <S extends Shape>(shape: S) => objectOf(shape, 'strip');
export const strictObject = <S extends Shape>(shape: S) => objectOf(shape, 'strict');
export const looseObject = <S extends Shape>(shape: S) => objectOf(shape, 'loose');

/**
 * The first option that accepts the value. When none does: the issues of the one option whose
 * failure was not about types, if only one is such (a right shape that failed a check), else
 * `invalid_union` with every option's issues as `errors`.
 */
export function union<const T extends readonly AnySchema[]>(
  options: T,
): Validator<OutputOf<T[number]>, InputOf<T[number]>> {
  return new Validator(
    (value, run) => {
      if (options.length === 1) return options[0]!.run(value, run);
      const tried: { part: Run; output: unknown }[] = [];
      for (const option of options) {
        const part = tryRun(run);
        const output = option.run(value, part);
        if (part.issues.length === 0) return output;
        tried.push({ part, output });
      }
      const open = tried.filter(({ part }) => !aborted(part, 0));
      if (open.length === 1) {
        adopt(run, open[0]!.part);
        return open[0]!.output;
      }
      issue(run, { code: 'invalid_union', errors: tried.map(({ part }) => part.issues) });
      return value;
    },
    [],
    lazyTraits(() => {
      const all = options.map((option) => option.traits.values);
      return {
        optional: options.some((option) => option.optional),
        values: all.every(Boolean) ? new Set(all.flatMap((values) => [...values!])) : undefined,
      };
    }),
  );
}

/**
 * Objects told apart by one key: the option whose `discriminator` takes the value's, else
 * `invalid_union` at that key with the values it may take. Encoding tries the options in turn
 * (a codec's tag differs between the two sides), as zod does.
 */
export function discriminatedUnion<const T extends readonly AnySchema[]>(
  discriminator: string,
  options: T,
): Validator<OutputOf<T[number]>, InputOf<T[number]>> {
  const anyOption = union(options);
  // Worked out on first use, as zod does: an option may be a recursive schema not yet declared.
  let table: { byTag: Map<unknown, AnySchema | null>; props: Map<string, Set<unknown>> };
  const tableOf = () => {
    table ??= tagTable(discriminator, options);
    return table;
  };
  return new Validator(
    (value, run) => {
      if (!isObject(value)) {
        issue(run, { code: 'invalid_type', expected: 'object' });
        return value;
      }
      const { byTag } = tableOf();
      const tag = value[discriminator];
      const option = byTag.get(tag);
      if (option && (tag !== undefined || !run.encode)) return option.run(value, run);
      if (run.encode) return anyOption.parse(value, run);
      run.path.push(discriminator);
      issue(run, {
        code: 'invalid_union',
        errors: [],
        note: 'No matching discriminator',
        discriminator,
        options: [...byTag.keys()].filter((key) => byTag.get(key) !== null),
      });
      run.path.pop();
      return value;
    },
    [],
    lazyTraits(() => ({ optional: anyOption.optional, props: tableOf().props })),
  );
}

/** Which option each tag value picks (`null`: claimed twice), and every option's key values. */
function tagTable(discriminator: string, options: readonly AnySchema[]) {
  const byTag = new Map<unknown, AnySchema | null>();
  const props = new Map<string, Set<unknown>>();
  for (const [i, option] of options.entries()) {
    const tags = option.traits.props?.get(discriminator);
    if (!tags || tags.size === 0) {
      throw new Error(`Invalid discriminated union option at index "${i}"`);
    }
    for (const tag of tags) {
      if (!byTag.has(tag)) byTag.set(tag, option);
      else if (tag === undefined)
        byTag.set(tag, null); // claimed twice: no option's own
      else throw new Error(`Duplicate discriminator value "${String(tag)}"`);
    }
    for (const [key, values] of option.traits.props!) {
      const merged = props.get(key) ?? new Set();
      for (const value of values) merged.add(value);
      props.set(key, merged);
    }
  }
  return { byTag, props };
}

/** A schema that refers to itself, through a getter (printed for recursive schemas). */
export function lazy<T extends AnySchema>(getter: () => T): T {
  let inner: T | undefined;
  const resolve = (): T => {
    inner ??= getter();
    return inner;
  };
  return new Validator(
    (value, run: Run) => resolve().run(value, run),
    [],
    lazyTraits(() => resolve().traits),
  ) as T;
}

/**
 * A codec: `from` on the wire, `to` in code, `decode` and `encode` between them (ssekit's `isoDate()`
 * and `bigintString()` are printed with it).
 */
export function codec<A extends AnySchema, B extends AnySchema>(
  from: A,
  to: B,
  transforms: {
    readonly decode: (value: OutputOf<A>) => InputOf<B>;
    readonly encode: (value: OutputOf<B>) => InputOf<A>;
  },
): Validator<OutputOf<B>, InputOf<A>> {
  return new Validator(
    (value, run) => {
      const [first, second, transform] = run.encode
        ? [to, from, transforms.encode as (v: unknown) => unknown]
        : [from, to, transforms.decode as (v: unknown) => unknown];
      const count = run.issues.length;
      const middle = first.run(value, run);
      if (run.issues.length > count) return middle;
      return second.run(transform(middle), run);
    },
    [],
    lazyTraits(() => ({ optional: from.optional, values: from.traits.values })),
  );
}
