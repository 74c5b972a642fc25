// The compiled encoder against zod itself: for random schemas of everything it compiles and random
// values near them, `encodeData` must answer exactly as `z.safeEncode` + `JSON.stringify` (the same
// bytes, or the same issues), and the compiled pass must be what answers the valid ones.
// A failure prints its seed; SSEKIT_ENCODE_SEED=<seed> replays it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bigintString } from '../codecs/bigint-string.js';
import { isoDate } from '../codecs/iso-date.js';
import { SseValidationError } from '../errors.js';
import { fastEncoder, isoString } from './fast-encode.js';
import { encodeData } from './validate.js';

/** A schema as data: what the test builds the zod schema and the values from. */
type Spec =
  | { readonly k: 'string'; readonly min?: number; readonly max?: number; readonly len?: number }
  | { readonly k: 'number'; readonly int?: boolean; readonly gte?: number; readonly lt?: number }
  | { readonly k: 'boolean' | 'null' | 'enum' | 'date' | 'isoDate' | 'bigint' | 'int' }
  // Not compiled: the schema holding one of these is zod's alone.
  | { readonly k: 'int32' | 'email' | 'refined' }
  | { readonly k: 'literal'; readonly value: string | number | boolean | null }
  | { readonly k: 'object'; readonly fields: readonly (readonly [string, Spec, boolean])[] }
  | { readonly k: 'array'; readonly element: Spec; readonly min?: number; readonly max?: number }
  | { readonly k: 'union'; readonly options: readonly Spec[] }
  | { readonly k: 'nullable' | 'readonly'; readonly inner: Spec };

const ENUM = ['a', 'b', 'c'] as const;
const KEYS = ['a', 'b', 'price', '', 'a"b', 'ü', 'constructor', 'toString', '0'];

function toZod(spec: Spec): z.ZodType {
  switch (spec.k) {
    case 'string': {
      let s = z.string();
      if (spec.min !== undefined) s = s.min(spec.min);
      if (spec.max !== undefined) s = s.max(spec.max);
      if (spec.len !== undefined) s = s.length(spec.len);
      return s;
    }
    case 'number': {
      let n = z.number();
      if (spec.int) n = n.int();
      if (spec.gte !== undefined) n = n.gte(spec.gte);
      if (spec.lt !== undefined) n = n.lt(spec.lt);
      return n;
    }
    case 'int':
      return z.int();
    case 'int32':
      return z.int32();
    case 'email':
      return z.email();
    case 'refined':
      return z.number().refine((n) => n !== 3);
    case 'boolean':
      return z.boolean();
    case 'null':
      return z.null();
    case 'enum':
      return z.enum(ENUM);
    case 'date':
      return z.date();
    case 'isoDate':
      return isoDate();
    case 'bigint':
      return bigintString();
    case 'literal':
      return z.literal(spec.value);
    case 'object':
      return z.object(
        Object.fromEntries(
          spec.fields.map(([key, field, optional]) => {
            const schema = toZod(field);
            return [key, optional ? schema.optional() : schema];
          }),
        ),
      );
    case 'array': {
      let a = z.array(toZod(spec.element));
      if (spec.min !== undefined) a = a.min(spec.min);
      if (spec.max !== undefined) a = a.max(spec.max);
      return a;
    }
    case 'union':
      return z.union(spec.options.map(toZod) as [z.ZodType, z.ZodType]);
    case 'nullable':
      return toZod(spec.inner).nullable();
    case 'readonly':
      return toZod(spec.inner).readonly();
  }
}

const small = fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined });

const specArb: fc.Arbitrary<Spec> = fc.letrec<{ spec: Spec }>((tie) => ({
  spec: fc.oneof(
    { maxDepth: 3, depthIdentifier: 'spec' },
    fc.record({ k: fc.constant('string' as const), min: small, max: small, len: small }),
    fc.record({
      k: fc.constant('number' as const),
      int: fc.boolean(),
      gte: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }),
      lt: fc.option(fc.integer({ min: -5, max: 50 }), { nil: undefined }),
    }),
    fc.constantFrom(
      ...(['boolean', 'null', 'enum', 'date', 'isoDate', 'bigint', 'int'] as const).map((k) => ({
        k,
      })),
    ),
    fc.constantFrom(...(['int32', 'email', 'refined'] as const).map((k) => ({ k }))),
    fc.record({
      k: fc.constant('literal' as const),
      value: fc.constantFrom('x', 1, -0, true, null),
    }),
    fc.record({
      k: fc.constant('object' as const),
      fields: fc.uniqueArray(fc.tuple(fc.constantFrom(...KEYS), tie('spec'), fc.boolean()), {
        maxLength: 4,
        selector: ([key]) => key,
      }),
    }),
    fc.record({ k: fc.constant('array' as const), element: tie('spec'), min: small, max: small }),
    fc.record({
      k: fc.constant('union' as const),
      options: fc.array(tie('spec'), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({ k: fc.constantFrom('nullable' as const, 'readonly' as const), inner: tie('spec') }),
  ),
})).spec;

/** A date whose own `toISOString` says something else: zod calls it, so must the encoder. */
function liarDate(): Date {
  const date = new Date(0);
  date.toISOString = () => '2026-13-45T99:00:00.000Z';
  return date;
}

const anyDate = fc.oneof(
  fc.date({ min: new Date('1900-01-01'), max: new Date('2100-01-01') }),
  fc.date(),
  fc.constantFrom(new Date(Number.NaN), new Date(-62167219200000), new Date(253402300800000)),
  fc.constant(null).map(liarDate),
);

/** Values near `spec`: mostly of its shape, with near misses and anything at every level. */
function valueArb(spec: Spec): fc.Arbitrary<unknown> {
  const near = nearValue(spec);
  return fc.oneof({ arbitrary: near, weight: 8 }, { arbitrary: fc.anything(), weight: 1 });
}

function nearValue(spec: Spec): fc.Arbitrary<unknown> {
  switch (spec.k) {
    case 'string':
      return fc.string({ unit: 'binary', maxLength: 6 });
    case 'email':
      return fc.oneof(fc.emailAddress(), fc.string({ maxLength: 6 }));
    case 'number':
    case 'int':
    case 'int32':
    case 'refined':
      return fc.oneof(
        fc.integer({ min: -10, max: 60 }),
        fc.double(),
        fc.constantFrom(-0, 2 ** 53, 1e21, 5e-324, Number.NaN, Number.POSITIVE_INFINITY),
      );
    case 'boolean':
      return fc.oneof(fc.boolean(), fc.constant(0));
    case 'null':
      return fc.constantFrom(null, undefined);
    case 'enum':
      return fc.constantFrom('a', 'b', 'c', 'd', 0);
    case 'literal':
      return fc.constantFrom(spec.value, 'x', 1, 0, true, null);
    case 'date':
    case 'isoDate':
      return fc.oneof(anyDate, fc.constant('2026-01-01T00:00:00.000Z'));
    case 'bigint':
      return fc.oneof(fc.bigInt(), fc.constant('1'));
    case 'object': {
      const record = fc.record(
        Object.fromEntries(spec.fields.map(([key, field]) => [key, valueArb(field)])),
        { requiredKeys: spec.fields.map(([key]) => key) },
      );
      const withExtra = fc.tuple(
        record,
        fc.dictionary(fc.string({ maxLength: 3 }), fc.anything(), { maxKeys: 2 }),
      );
      return fc.oneof(
        record,
        fc.record(Object.fromEntries(spec.fields.map(([key, field]) => [key, valueArb(field)])), {
          requiredKeys: [],
        }),
        withExtra.map(([own, extra]) => ({ ...extra, ...own })),
        fc.constant([]),
      );
    }
    case 'array':
      return fc.array(valueArb(spec.element), { maxLength: 5 });
    case 'union':
      return fc.oneof(...spec.options.map(valueArb));
    case 'nullable':
      return fc.oneof(fc.constant(null), valueArb(spec.inner));
    case 'readonly':
      return valueArb(spec.inner);
  }
}

/** Whether every part of `spec` is one the encoder compiles. */
function compiles(spec: Spec): boolean {
  switch (spec.k) {
    case 'int32':
    case 'email':
    case 'refined':
      return false;
    case 'object':
      return spec.fields.every(([, field]) => compiles(field));
    case 'array':
      return compiles(spec.element);
    case 'union':
      return spec.options.every(compiles);
    case 'nullable':
    case 'readonly':
      return compiles(spec.inner);
    default:
      return true;
  }
}

/** What zod says: the JSON of `z.safeEncode`, or its issues. */
function viaZod(schema: z.ZodType, value: unknown): unknown {
  const result = z.safeEncode(schema, value as never);
  if (!result.success) return { failed: result.error.issues.map(({ input: _, ...rest }) => rest) };
  const json = JSON.stringify(result.data);
  return json === undefined ? { noJson: true } : { json };
}

/** What `encodeData` says, in the same terms. */
function viaEncodeData(schema: z.ZodType, value: unknown): unknown {
  try {
    return { json: encodeData(schema, value, 'e') };
  } catch (error) {
    if (!(error instanceof SseValidationError)) throw error;
    if (!(error.cause instanceof z.core.$ZodError)) return { noJson: true };
    return { failed: error.cause.issues.map(({ input: _, ...rest }) => rest) };
  }
}

const seed = Number(process.env.SSEKIT_ENCODE_SEED ?? 20261129);

describe('the compiled encoder', () => {
  it(`answers as zod does, for random schemas and values (seed ${seed})`, () => {
    let compiledAnswers = 0;
    let runs = 0;
    fc.assert(
      fc.property(
        specArb.chain((spec) =>
          fc.tuple(fc.constant(spec), fc.array(valueArb(spec), { minLength: 1, maxLength: 8 })),
        ),
        ([spec, values]) => {
          const schema = toZod(spec);
          const fast = fastEncoder(schema);
          // A schema compiles exactly when all its parts do.
          expect(fast !== null).toBe(compiles(spec));
          for (const value of values) {
            if (fast !== null) runs += 1;
            const expected = viaZod(schema, value);
            if (fast?.(value) !== undefined) {
              compiledAnswers += 1;
              expect({ json: fast(value) }).toEqual(expected);
            }
            expect(viaEncodeData(schema, value)).toEqual(expected);
          }
        },
      ),
      { numRuns: 600, seed },
    );
    // The compiled pass answered a good share of the values of compiled schemas: the test checks it,
    // not only zod's fallback.
    expect(compiledAnswers).toBeGreaterThan(runs / 5);
  });

  it.each([
    ['a refinement', z.string().refine((s) => s !== 'x')],
    ['a transform', z.string().transform((s) => s.length)],
    ['a default', z.object({ n: z.number().default(1) })],
    ['a strict object', z.strictObject({ a: z.number() })],
    ['a loose object', z.looseObject({ a: z.number() })],
    ['a record', z.record(z.string(), z.number())],
    ['a string format', z.object({ mail: z.email() })],
    ['a number format other than int', z.int32()],
    ['a coercion', z.coerce.number()],
    ['an optional array element', z.array(z.number().optional())],
    ['a pipe that is not a codec of ssekit', z.string().pipe(z.string())],
    ['a recursive schema', recursive()],
    ['a key named __proto__', z.object(Object.fromEntries([['__proto__', z.string()]]))],
  ])('leaves %s to zod', (_name, schema) => {
    expect(fastEncoder(schema)).toBeNull();
  });

  it('writes dates as toISOString does, for every year from 0 to 9999', () => {
    // `Date.UTC` reads years 0 to 99 as 1900 to 1999: `setUTCFullYear` does not.
    const utc = (year: number, month: number, day: number) =>
      new Date(0).setUTCFullYear(year, month, day);
    const first = utc(0, 0, 1);
    const last = utc(10_000, 0, 1);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: first - 1000, max: last + 1000 }),
          fc.integer({ min: -8.64e15, max: 8.64e15 }),
          // Around the days that trip calendars: leap days, century years, the epoch.
          fc
            .tuple(
              fc.constantFrom(0, 1600, 1700, 1900, 1970, 2000, 2024, 2100, 9999),
              fc.constantFrom([1, 28], [1, 29], [2, 1], [11, 31], [0, 1]),
              fc.integer({ min: -1, max: 1 }),
            )
            .map(([year, [month, day], delta]) => Date.UTC(year, month!, day) + delta),
        ),
        (ms) => {
          const date = new Date(ms);
          const year = date.getUTCFullYear();
          expect(isoString(ms)).toBe(year >= 0 && year <= 9999 ? date.toISOString() : undefined);
        },
      ),
      { numRuns: 20_000, seed },
    );
  });

  it('writes the event of the README the same as zod, without zod', () => {
    const price = z.object({ symbol: z.string(), price: z.number(), at: isoDate() });
    const value = { symbol: 'AAPL', price: 191.2, at: new Date(0), extra: 1 };
    expect(fastEncoder(price)?.(value)).toBe(
      '{"symbol":"AAPL","price":191.2,"at":"1970-01-01T00:00:00.000Z"}',
    );
  });
});

function recursive(): z.ZodType {
  const node = z.object({
    name: z.string(),
    get children(): z.ZodArray<typeof node> {
      return z.array(node);
    },
  });
  return node;
}
