// isoDate() and bigintString(): what each encodes to and decodes from, round trips of any value,
// refusals, and the codec marker that codegen reads.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bigintString } from './bigint-string.js';
import { CODEC_META_KEY, isoDate } from './iso-date.js';

describe('isoDate', () => {
  const schema = isoDate();

  it('encodes a Date as an ISO 8601 string in UTC', () => {
    expect(z.encode(schema, new Date(0))).toBe('1970-01-01T00:00:00.000Z');
  });

  it('decodes Z and offset forms to the same instant', () => {
    expect(z.decode(schema, '2026-11-24T10:00:00.000Z')).toEqual(
      new Date(Date.UTC(2026, 10, 24, 10)),
    );
    expect(z.decode(schema, '2026-11-24T12:00:00+02:00')).toEqual(
      new Date(Date.UTC(2026, 10, 24, 10)),
    );
  });

  it.each(['2026-11-24T10:00:00', '2026-11-24', '2026-02-30T10:00:00Z', 'yesterday', ''])(
    'refuses %j on the wire',
    (text) => {
      expect(z.safeDecode(schema, text).success).toBe(false);
    },
  );

  it('refuses an invalid Date on encode instead of throwing a RangeError', () => {
    expect(z.safeEncode(schema, new Date('not a date')).success).toBe(false);
  });

  it('round-trips any valid Date through JSON to the millisecond', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('0001-01-01T00:00:00Z'),
          max: new Date('9999-12-31T23:59:59Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const wire = JSON.parse(JSON.stringify(z.encode(schema, date)));
          expect(z.decode(schema, wire)).toEqual(date);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('carries its codec name in meta, for codegen', () => {
    expect(schema.meta()?.[CODEC_META_KEY]).toBe('isoDate');
  });
});

describe('bigintString', () => {
  const schema = bigintString();

  it('keeps integers past 2^53 exact', () => {
    expect(z.decode(schema, '9007199254740993')).toBe(9007199254740993n);
    expect(z.encode(schema, -(10n ** 30n))).toBe('-1000000000000000000000000000000');
  });

  it.each(['01', '+1', '1.0', '1e3', ' 1', '1 ', '-', '', '0x10', '١'])('refuses %j', (text) => {
    expect(z.safeDecode(schema, text).success).toBe(false);
  });

  it('refuses a number where a bigint is expected on encode', () => {
    expect(z.safeEncode(schema, 5 as never).success).toBe(false);
  });

  it('round-trips any bigint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 256n), max: 2n ** 256n }), (value) => {
        expect(z.decode(schema, z.encode(schema, value))).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it('carries its codec name in meta, for codegen', () => {
    expect(schema.meta()?.[CODEC_META_KEY]).toBe('bigintString');
  });
});
