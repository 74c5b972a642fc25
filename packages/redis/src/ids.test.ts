// Redis stream ids: which ids are canonical (up to 2^64 - 1), their order, and the link between an
// entry's id and the `prev` of the entry after it.
import { describe, expect, it } from 'vitest';
import { checkLink, compareStreamIds, isStreamId, parseStreamId } from './ids.js';

describe('stream ids', () => {
  it('accepts canonical <ms>-<seq> ids up to 2^64 - 1', () => {
    expect(parseStreamId('1700000000000-0')).toEqual({ ms: '1700000000000', seq: '0' });
    expect(isStreamId('0-0')).toBe(true);
    expect(isStreamId('18446744073709551615-18446744073709551615')).toBe(true);
  });

  it.each([
    '',
    '1',
    '1-',
    '-1',
    '1-2-3',
    '01-1',
    '1-01',
    '+1-1',
    ' 1-1',
    '1-1\n',
    'k3f9a2-41',
    '18446744073709551616-0',
    '0-99999999999999999999',
    '123456789012345678901-0',
  ])('refuses %j', (id) => {
    expect(isStreamId(id)).toBe(false);
  });

  it('compares by ms, then seq, as numbers', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-10', '10-2')).toBeGreaterThan(0);
    expect(compareStreamIds('1700000000000-5', '1700000000000-5')).toBe(0);
    expect(compareStreamIds('18446744073709551615-0', '18446744073709551614-9')).toBeGreaterThan(0);
    expect(compareStreamIds('1-1', 'x')).toBeUndefined();
  });

  it('classifies the link between an id and the prev of the entry after it', () => {
    expect(checkLink('5-0', '5-0')).toBe('contiguous');
    expect(checkLink('5-0', undefined)).toBe('contiguous');
    expect(checkLink('5-0', '7-0')).toBe('too-old');
    expect(checkLink('5-0', '0-0')).toBe('unknown-epoch');
    expect(checkLink('5-0', '4-9')).toBe('unknown-epoch');
  });
});
