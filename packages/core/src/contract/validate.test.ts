// encodeData and decodeData with codecs: one line of JSON out, the decoded values back, unknown
// keys stripped, and refusals as SseValidationError with zod's issues.
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
