// The plain validators against zod/mini on values a JSON payload never holds and on encoding: the
// same schema built from both namespaces (they share zod/mini's names), the same verdicts. The
// property run over generated payloads is codegen's (packages/codegen/test/property.test.ts).
import { encodeValue } from '@ssekit/core';
import { comparableIssue } from '@ssekit/test-kit';
import { describe, expect, it } from 'vitest';
import * as zod from 'zod/mini';
import * as plain from './index.js';

type Namespace = typeof plain;

/** The same schema, from zod/mini and from the plain validators. */
function both(build: (z: Namespace) => plain.Schema<any, any>) {
  return {
    zod: build(zod as unknown as Namespace) as unknown as zod.ZodMiniType,
    own: build(plain),
  };
}

function decodes(schemas: ReturnType<typeof both>, value: unknown) {
  const a = schemas.zod['~standard'].validate(value) as { value?: unknown; issues?: object[] };
  const b = schemas.own['~standard'].validate(value) as { value?: unknown; issues?: object[] };
  expect(b.issues?.map(comparableIssue)).toEqual(a.issues?.map(comparableIssue));
  expect(b.value).toEqual(a.value);
  return b;
}

function encodes(schemas: ReturnType<typeof both>, value: unknown) {
  const a = encodeValue(schemas.zod, value);
  const b = encodeValue(schemas.own, value);
  expect(b.issues?.map(comparableIssue)).toEqual(a.issues?.map(comparableIssue));
  expect(b.value).toEqual(a.value);
  return b;
}

const isoDate = (z: Namespace) =>
  z.codec(z.stringFormat('datetime', /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z$/), z.date(), {
    decode: (iso: string) => new Date(iso),
    encode: (date: Date) => date.toISOString(),
  });

describe('plain validators, against zod/mini', () => {
  it('refuse NaN, Infinity and unsafe integers as zod does', () => {
    const number = both((z) => z.number());
    const int = both((z) => z.int().check(z.gt(0)));
    for (const value of [Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53, 1.5, '1', -(2 ** 60)]) {
      decodes(number, value);
      decodes(int, value);
    }
  });

  it('take multiples as zod 4.6 does, at the edges of the doubles too (seed 142235566)', () => {
    const step = both((z) => z.number().check(z.multipleOf(0.25)));
    const cents = both((z) => z.number().check(z.multipleOf(0.07)));
    for (const value of [-4.49423283715579e307, Number.MAX_VALUE, 0.75, 0.3, 2.03, 1e-320, -0]) {
      decodes(step, value);
      decodes(cents, value);
    }
  });

  it('check lengths on anything with a length, and cap arrays before their items', () => {
    const string = both((z) => z.string().check(z.minLength(2), z.maxLength(3)));
    const array = both((z) => z.array(z.int()).check(z.minLength(1), z.maxLength(2)));
    const exactly = both((z) => z.string().check(z.length(2)));
    // Strings in code points, as zod 4.6 counts them: a pair is one, a lone surrogate one.
    const strings = [
      'a',
      'abcd',
      '😀',
      '😀😀',
      'a😀',
      '😀😀😀😀',
      '\ud800',
      '\ud800\ud800',
      '\udc00\ud800',
    ];
    for (const value of [[], [1, 2, 3], ...strings, { length: 9 }, [1.5], [1, 'x', 3], null]) {
      decodes(string, value);
      decodes(array, value);
      decodes(exactly, value);
    }
  });

  it('treat missing, undefined and extra keys as zod does, __proto__ included', () => {
    const object = both((z) =>
      z.object({ a: z.optional(z.string()), b: z.unknown(), c: z.nullable(z.number()) }),
    );
    const strict = both((z) => z.strictObject({ a: z.string() }));
    const loose = both((z) => z.looseObject({ a: z.string() }));
    const values = [
      {},
      { b: undefined, c: null },
      { a: undefined, b: 1, c: 2 },
      { a: 'x', c: 'y', extra: true },
      JSON.parse('{"a":"x","b":0,"c":0,"__proto__":{"polluted":true}}'),
      [],
      new Date(0),
    ];
    for (const value of values) {
      decodes(object, value);
      decodes(strict, value);
      const out = decodes(loose, value).value as object | undefined;
      if (out) expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    }
  });

  it('decode and encode a codec, and refuse what it cannot encode', () => {
    const schemas = both((z) => z.object({ at: isoDate(z), when: z.optional(isoDate(z)) }));
    const decoded = decodes(schemas, { at: '2026-11-29T06:00:00.000Z' });
    expect(decoded.value).toEqual({ at: new Date('2026-11-29T06:00:00.000Z') });
    decodes(schemas, { at: '2026-11-29' });
    expect(encodes(schemas, { at: new Date(0) }).value).toEqual({
      at: '1970-01-01T00:00:00.000Z',
    });
    encodes(schemas, { at: new Date(Number.NaN) });
    encodes(schemas, { at: '1970-01-01T00:00:00.000Z' });
    encodes(schemas, { at: new Date(0), when: 5 });
  });

  it('encode arrays as zod does: type errors alone first, then the checks', () => {
    const schemas = both((z) => z.array(z.string().check(z.minLength(2))).check(z.maxLength(2)));
    for (const value of [['ab'], ['a'], ['a', 'b', 'c'], [1, 'a', 'b'], 'ab'])
      encodes(schemas, value);
  });

  it('take enums, literals and TypeScript enums', () => {
    enum Level {
      Low = 1,
      High = 2,
    }
    const schemas = [
      both((z) => z.enum(['buy', 'sell'])),
      both((z) => z.enum(Level)),
      both((z) => z.literal([1, 'two', null, true])),
    ];
    for (const schema of schemas) {
      for (const value of ['buy', 'Low', 1, 2, 'two', null, true, false, undefined]) {
        decodes(schema, value);
      }
    }
  });

  it('take schemas recursive through optional and nullable, alone and in pairs', () => {
    const list = both((z) => {
      const node: plain.Schema<any> = z.lazy(() =>
        z.object({ v: z.int(), next: z.optional(node), prev: z.nullable(node) }),
      );
      return node;
    });
    const pair = both((z) => {
      const a: plain.Schema<any> = z.lazy(() =>
        z.object({ kind: z.literal('a'), b: z.optional(b) }),
      );
      const b: plain.Schema<any> = z.lazy(() =>
        z.object({ kind: z.literal('b'), a: z.optional(a) }),
      );
      return z.discriminatedUnion('kind', [a, b]);
    });
    for (const value of [
      { v: 1, prev: null, next: { v: 2, prev: null } },
      { v: 1, prev: { v: 0, prev: null }, next: { v: 'x', prev: null } },
      { v: 1 },
    ]) {
      decodes(list, value);
    }
    for (const value of [
      { kind: 'a', b: { kind: 'b', a: { kind: 'a' } } },
      { kind: 'b', a: 1 },
      {},
    ]) {
      decodes(pair, value);
    }
  });

  it('take a recursive schema as a discriminated union option, resolved on first use', () => {
    const schemas = both((z) => {
      const branch: plain.Schema<any> = z.lazy(() =>
        z.object({ kind: z.literal('branch'), children: z.array(branch).check(z.maxLength(2)) }),
      );
      return z.discriminatedUnion('kind', [
        branch,
        z.object({ kind: z.literal('leaf'), n: z.int() }),
      ]);
    });
    const values = [
      { kind: 'leaf', n: 1 },
      { kind: 'branch', children: [{ kind: 'leaf', n: 2 }] },
      { kind: 'branch', children: [{ kind: 'x' }] },
      { kind: 'branch', children: [1, 2, 3] },
      { kind: 'tree' },
    ];
    for (const value of values) decodes(schemas, value);
  });

  it('give a check its own message, and a message to every issue', () => {
    const schema = plain.object({
      digits: plain.string().check(plain.regex(/^\d+$/, 'digits only')),
      n: plain.number().check(plain.gt(0), plain.multipleOf(0.5)),
      side: plain.enum(['buy', 'sell']),
    });
    const result = schema['~standard'].validate({ digits: 'x', n: -0.25, side: 'hold', more: 1 });
    expect(result.issues?.map((issue) => [issue.path, issue.message])).toEqual([
      [['digits'], 'digits only'],
      [['n'], 'Too small: expected number >0'],
      [['n'], 'Expected a multiple of 0.5'],
      [['side'], 'Expected one of "buy"|"sell"'],
    ]);
  });

  it('are Standard Schemas with ssekit as the vendor, immutable under check()', () => {
    const base = plain.string();
    const checked = base.check(plain.minLength(1));
    expect(base['~standard']).toMatchObject({ version: 1, vendor: 'ssekit' });
    expect(base['~standard'].validate('')).toEqual({ value: '' });
    expect(checked['~standard'].validate('').issues).toHaveLength(1);
  });
});
