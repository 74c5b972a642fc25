// Event ids: parse and format round trips (checked on random ids), the order within an
// epoch, new epochs, and the order a client keeps of any broker's ids.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseError } from '../errors.js';
import {
  compareEventIds,
  compareWireIds,
  createEpoch,
  formatEventId,
  MAX_EVENT_ID_LENGTH,
  parseEventId,
} from './ids.js';

const epoch = fc.string({
  unit: fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyz'),
  minLength: 1,
  maxLength: 24,
});
const seq = fc.nat({ max: Number.MAX_SAFE_INTEGER });

describe('parseEventId', () => {
  it('reads <epoch>-<seq>', () => {
    expect(parseEventId('k3f9a2-41')).toEqual({ epoch: 'k3f9a2', seq: 41 });
    expect(parseEventId('a-0')).toEqual({ epoch: 'a', seq: 0 });
    expect(parseEventId(`e-${Number.MAX_SAFE_INTEGER}`)).toEqual({
      epoch: 'e',
      seq: Number.MAX_SAFE_INTEGER,
    });
  });

  it.each([
    ['empty', ''],
    ['no dash', 'k3f9a2'],
    ['no seq', 'k3f9a2-'],
    ['no epoch', '-41'],
    ['leading zero', 'k3f9a2-041'],
    ['two zeros', 'k3f9a2-00'],
    ['negative seq', 'k3f9a2--1'],
    ['fraction', 'k3f9a2-1.5'],
    ['exponent', 'k3f9a2-1e3'],
    ['upper-case epoch', 'K3F9A2-41'],
    ['epoch with a dash', 'k3-f9-41'],
    ['spaces', ' k3f9a2-41'],
    ['trailing newline', 'k3f9a2-41\n'],
    ['epoch too long', `${'a'.repeat(25)}-1`],
    ['past MAX_SAFE_INTEGER', `e-${Number.MAX_SAFE_INTEGER + 1}`],
    ['17 digits', 'e-10000000000000000'],
    ['too long overall', `${'a'.repeat(MAX_EVENT_ID_LENGTH)}-1`],
    ['a novel', 'a'.repeat(1_000_000)],
    ['non-ASCII digits', 'e-\u0661'],
  ])('gives undefined for %s', (_why, id) => {
    expect(parseEventId(id)).toBeUndefined();
  });

  it('never throws, and anything it accepts formats back to the same text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc
            .tuple(epoch, fc.string({ unit: fc.constantFrom(...'0123456789-.e+ ') }))
            .map(([e, s]) => `${e}-${s}`),
        ),
        (id) => {
          const parsed = parseEventId(id);
          if (parsed !== undefined) expect(formatEventId(parsed.epoch, parsed.seq)).toBe(id);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('formatEventId', () => {
  it('round-trips through parseEventId for every valid epoch and seq', () => {
    fc.assert(
      fc.property(epoch, seq, (e, s) => {
        expect(parseEventId(formatEventId(e, s))).toEqual({ epoch: e, seq: s });
      }),
      { numRuns: 1000 },
    );
  });

  it.each([
    ['a negative seq', 'e', -1],
    ['a fractional seq', 'e', 1.5],
    ['NaN', 'e', Number.NaN],
    ['an unsafe seq', 'e', 2 ** 60],
    ['an empty epoch', '', 1],
    ['an upper-case epoch', 'E', 1],
    ['an epoch with a dash', 'a-b', 1],
    ['an epoch with a line break', 'a\n', 1],
  ])('throws INVALID_FIELD for %s', (_why, e, s) => {
    let caught: unknown;
    try {
      formatEventId(e, s);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SseError);
    expect((caught as SseError).code).toBe('INVALID_FIELD');
  });
});

describe('compareEventIds', () => {
  it('orders ids of one epoch by seq', () => {
    expect(compareEventIds({ epoch: 'a', seq: 1 }, { epoch: 'a', seq: 2 })).toBeLessThan(0);
    expect(compareEventIds({ epoch: 'a', seq: 2 }, { epoch: 'a', seq: 1 })).toBeGreaterThan(0);
    expect(compareEventIds({ epoch: 'a', seq: 5 }, { epoch: 'a', seq: 5 })).toBe(0);
  });

  it('has no order for ids of different epochs', () => {
    expect(compareEventIds({ epoch: 'a', seq: 1 }, { epoch: 'b', seq: 1 })).toBeUndefined();
  });

  it('agrees with the order of seq for any pair', () => {
    fc.assert(
      fc.property(epoch, seq, seq, (e, a, b) => {
        const order = compareEventIds({ epoch: e, seq: a }, { epoch: e, seq: b });
        expect(Math.sign(order ?? Number.NaN)).toBe(Math.sign(a - b));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('createEpoch', () => {
  it('makes epochs that form valid ids', () => {
    for (let i = 0; i < 100; i++) {
      const e = createEpoch();
      expect(parseEventId(formatEventId(e, 0))?.epoch).toBe(e);
    }
  });

  it('makes different epochs within one millisecond', () => {
    const epochs = new Set(Array.from({ length: 200 }, () => createEpoch()));
    // 4 random base-36 characters: 1.7 M values, so 200 draws collide with odds near 1 %.
    expect(epochs.size).toBeGreaterThanOrEqual(198);
  });
});

describe('compareWireIds: the order a client keeps, whichever broker made the ids', () => {
  it('orders Redis stream ids by time, then sequence, exactly past 2^53', () => {
    expect(compareWireIds('1700000000000-9', '1700000000001-0')).toBeLessThan(0);
    expect(compareWireIds('1700000000001-0', '1700000000000-9')).toBeGreaterThan(0);
    expect(compareWireIds('5-2', '5-2')).toBe(0);
    expect(compareWireIds('18446744073709551615-1', '18446744073709551614-9')).toBeGreaterThan(0);
  });

  it("orders ssekit's own ids within one epoch, and not across two", () => {
    expect(compareWireIds('mx1b2bfg3bk5-170', 'mx1b2bfg3bk5-171')).toBeLessThan(0);
    expect(compareWireIds('mx1b2bfg3bk5-1000', 'mx1b2bfg3bk5-999')).toBeGreaterThan(0);
    expect(compareWireIds('mx1b2bfg3bk5-170', 'mx1b2zzzzzzz-1')).toBeUndefined();
  });

  it("orders a custom broker's <prefix>-<n> ids within one prefix; nothing else", () => {
    expect(compareWireIds('Room:7-3', 'Room:7-12')).toBeLessThan(0);
    expect(compareWireIds('a-3', 'b-3')).toBeUndefined();
    expect(compareWireIds('a-3', '5-3')).toBeUndefined();
    expect(compareWireIds('a-01', 'a-2')).toBeUndefined();
    expect(compareWireIds('nodash', 'nodash')).toBeUndefined();
    expect(compareWireIds('-5', '-6')).toBeUndefined();
  });
});
