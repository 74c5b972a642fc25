// encodeData and decodeData with codecs: one line of JSON out, the decoded values back, unknown
// keys stripped, and refusals as SseValidationError with zod's issues; encodeData against
// z.safeEncode on many schemas (its context that zod copies cheaply must change no result).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bigintString } from '../codecs/bigint-string.js';
import { isoDate } from '../codecs/iso-date.js';
import { SseError, SseValidationError } from '../errors.js';
import { decodeData, encodeData, toSseIssues } from './validate.js';

const price = z.object({
  symbol: z.string(),
  price: z.number(),
  at: isoDate(),
  volume: bigintString(),
});
const value = { symbol: 'AAPL', price: 191.2, at: new Date(0), volume: 2n ** 64n };

describe('encodeData', () => {
  it('encodes with the codecs and stringifies to one line of JSON', () => {
    expect(encodeData(price, value, 'price')).toBe(
      '{"symbol":"AAPL","price":191.2,"at":"1970-01-01T00:00:00.000Z","volume":"18446744073709551616"}',
    );
  });

  it('throws SseValidationError naming the event, with issues and paths', () => {
    let caught: unknown;
    try {
      encodeData(price, { ...value, price: 'high' }, 'price');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SseValidationError);
    const error = caught as SseValidationError;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.event).toBe('price');
    expect(error.status).toBe(400);
    expect(error.issues).toEqual([expect.objectContaining({ path: ['price'] })]);
    expect(error.message).toContain('"price"');
    expect(error.cause).toBeInstanceOf(z.core.$ZodError);
  });

  it('refuses a value that has no JSON form', () => {
    expect(() => encodeData(z.undefined(), undefined, 'nothing')).toThrow(SseValidationError);
  });

  it('strips keys the schema does not know, so nothing unvalidated reaches the wire', () => {
    expect(encodeData(z.object({ a: z.number() }), { a: 1, secret: 'x' }, 'e')).toBe('{"a":1}');
  });
});

/** What `encodeData` must give for `value`: zod's own `safeEncode`, then `JSON.stringify`. */
function viaSafeEncode(schema: z.core.$ZodType, value: unknown): unknown {
  try {
    const result = z.safeEncode(schema, value as never);
    if (!result.success)
      return { failed: result.error.issues.map(({ input: _, ...rest }) => rest) };
    const json = JSON.stringify(result.data);
    return json === undefined ? { noJson: true } : { json };
  } catch (error) {
    return { threw: (error as Error).constructor.name, message: (error as Error).message };
  }
}

/** The same outcome read from `encodeData`. */
function viaEncodeData(schema: z.core.$ZodType, value: unknown): unknown {
  try {
    return { json: encodeData(schema, value, 'e') };
  } catch (error) {
    if (!(error instanceof SseValidationError)) {
      return { threw: (error as Error).constructor.name, message: (error as Error).message };
    }
    if (!(error.cause instanceof z.core.$ZodError)) return { noJson: true };
    expect(error.issues).toEqual(toSseIssues(error.cause.issues));
    return { failed: error.cause.issues.map(({ input: _, ...rest }) => rest) };
  }
}

describe("encodeData is zod's safeEncode, exactly", () => {
  const node: z.ZodType<unknown> = z.lazy(() =>
    z.object({ name: z.string().min(1), children: z.array(node).max(3) }),
  );
  const cases: [string, z.core.$ZodType, unknown][] = [
    ['codecs', price, value],
    ['a wrong type under a codec', price, { ...value, at: 'not a date' }],
    ['an invalid Date', price, { ...value, at: new Date(Number.NaN) }],
    ['a missing key', price, { symbol: 'AAPL' }],
    ['not an object', price, 'AAPL'],
    [
      'checks in a check',
      z.object({ s: z.string().min(2) }).refine((o) => o.s !== 'no'),
      { s: 'no' },
    ],
    ['a failing inner check', z.object({ s: z.string().min(2) }).refine(() => true), { s: 'x' }],
    ['a custom message', z.number().max(1, { error: 'too big' }), 5],
    ['a custom error map', z.string({ error: () => 'wanted a string' }), 5],
    ['a default', z.object({ n: z.number().default(3) }), {}],
    ['an optional', z.object({ n: z.number().optional() }), {}],
    ['a union', z.union([z.number(), isoDate()]), new Date(0)],
    ['a union that fails', z.union([z.number(), isoDate()]), 'x'],
    [
      'a discriminated union',
      z.discriminatedUnion('t', [z.object({ t: z.literal('a'), at: isoDate() })]),
      { t: 'a', at: new Date(1) },
    ],
    ['a record', z.record(z.string(), bigintString()), { a: 1n, b: 2n }],
    ['a tuple', z.tuple([z.string(), z.int().positive()]), ['a', -1]],
    ['a recursive schema', node, { name: 'a', children: [{ name: '', children: [] }] }],
    ['a one-way transform', z.string().transform((s) => s.length), 'abc'],
    ['an async check', z.string().refine(async () => true), 'a'],
    ['nothing JSON can hold', z.undefined(), undefined],
    ['a strict object', z.strictObject({ a: z.number() }), { a: 1, b: 2 }],
  ];

  it.each(cases)('%s', (_name, schema, input) => {
    expect(viaEncodeData(schema, input)).toEqual(viaSafeEncode(schema, input));
  });

  it('agrees on any value against the codec schema', () => {
    fc.assert(
      fc.property(
        fc.record(
          { symbol: fc.anything(), price: fc.anything(), at: fc.oneof(fc.date(), fc.anything()) },
          { requiredKeys: [] },
        ),
        (input) => {
          const expected = viaSafeEncode(price, input);
          expect(viaEncodeData(price, input)).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('decodeData', () => {
  it('parses and decodes: a Date and a bigint come back', () => {
    const result = decodeData(price, encodeData(price, value, 'price'), 'price');
    expect(result).toEqual({ status: 'ok', value });
  });

  it('gives the parsed JSON as is without a schema', () => {
    expect(decodeData(undefined, '{"a":[1,"x"]}', 'e')).toEqual({
      status: 'ok',
      value: { a: [1, 'x'] },
    });
  });

  it.each(['', 'not json', '{"a":', 'undefined'])(
    'reports INVALID_JSON for %j without throwing',
    (data) => {
      const result = decodeData(price, data, 'price');
      expect(result.status).toBe('error');
      if (result.status !== 'error') return;
      expect(result.error).toBeInstanceOf(SseError);
      expect(result.error.code).toBe('INVALID_JSON');
      expect(result.error.event).toBe('price');
    },
  );

  it('reports VALIDATION_FAILED with issues for JSON that misses the schema', () => {
    const result = decodeData(
      price,
      '{"symbol":"AAPL","price":1,"at":"nope","volume":"1"}',
      'price',
    );
    expect(result.status).toBe('error');
    if (result.status !== 'error') return;
    expect(result.error).toBeInstanceOf(SseValidationError);
    expect(result.error.issues?.map((issue) => issue.path)).toEqual([['at']]);
  });

  it.each([
    ['an async refinement', z.string().refine(async () => true)],
    [
      'a transform that throws',
      z.string().transform(() => {
        throw new Error('boom');
      }),
    ],
  ])('refuses %s with VALIDATION_FAILED, without throwing or awaiting', (_name, schema) => {
    const result = decodeData(schema, '"a"', 'e');
    expect(result.status).toBe('error');
    if (result.status !== 'error') return;
    expect(result.error.code).toBe('VALIDATION_FAILED');
    expect(result.error.issues?.[0]?.message).toMatch(/did not decode synchronously/);
  });

  it('decodes with any Standard Schema, and names its issues even without a code', () => {
    const schema = {
      '~standard': {
        version: 1 as const,
        vendor: 'test',
        validate: (value: unknown) =>
          value === 1
            ? { value: 'one' }
            : { issues: [{ message: 'not one', path: [{ key: 'a' }, 0] }] },
      },
      '~encode': (value: unknown) => ({ value }),
    };
    expect(decodeData(schema, '1', 'e')).toEqual({ status: 'ok', value: 'one' });
    const result = decodeData(schema, '2', 'e');
    if (result.status !== 'error') throw new Error('expected an error');
    expect(result.error.issues).toEqual([{ code: 'custom', path: ['a', 0], message: 'not one' }]);
  });
});

describe('toSseIssues', () => {
  it('keeps code, path and message, and turns symbol keys into strings', () => {
    const key = Symbol('k');
    const issues = toSseIssues([
      { code: 'custom', path: ['a', 0, key], message: 'bad', input: 1 } as z.core.$ZodIssue,
    ]);
    expect(issues).toEqual([{ code: 'custom', path: ['a', 0, 'Symbol(k)'], message: 'bad' }]);
    // The result must survive JSON unchanged: it travels in 4xx bodies.
    expect(JSON.parse(JSON.stringify(issues))).toEqual(issues);
  });
});
