// The encoder's output, field by field: order, data split on every line end, the checks that refuse
// an injected field, `retry:` and comments.
import { describe, expect, it } from 'vitest';
import { SseError } from '../errors.js';
import { encodeComment, encodeEvent, encodeRetry } from './encode.js';

function thrown(fn: () => unknown): SseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SseError);
    return error as SseError;
  }
  throw new Error('expected a throw');
}

describe('encodeEvent', () => {
  it('writes retry, id, event and data in that order, then the blank line', () => {
    expect(encodeEvent({ retry: 2000, id: 'k3f9a2-41', event: 'price', data: '{"price":1}' })).toBe(
      'retry: 2000\nid: k3f9a2-41\nevent: price\ndata: {"price":1}\n\n',
    );
  });

  it('writes data alone when nothing else is given', () => {
    expect(encodeEvent({ data: 'x' })).toBe('data: x\n\n');
  });

  it('writes an empty data line for empty data, so the event is still dispatched', () => {
    expect(encodeEvent({ data: '' })).toBe('data: \n\n');
  });

  it('splits data on CRLF, CR and LF into several data lines', () => {
    expect(encodeEvent({ data: 'a\r\nb\rc\nd\n' })).toBe(
      'data: a\ndata: b\ndata: c\ndata: d\ndata: \n\n',
    );
  });

  it('keeps leading spaces of data: the one space after the colon protects them', () => {
    expect(encodeEvent({ data: ' x\n  y' })).toBe('data:  x\ndata:   y\n\n');
  });

  it('writes an empty id, which resets the last event id', () => {
    expect(encodeEvent({ id: '', data: 'x' })).toBe('id: \ndata: x\n\n');
  });

  it.each([
    ['id', '1\n2'],
    ['id', '1\r2'],
    ['id', '1\0'],
    ['event', 'a\nid: 9'],
    ['event', 'a\r'],
    ['event', '\0'],
  ] as const)('refuses %s %j with INVALID_FIELD', (field, value) => {
    const error = thrown(() => encodeEvent({ [field]: value, data: 'x' }));
    expect(error.code).toBe('INVALID_FIELD');
    expect(error.message).toContain(field);
  });

  it('quotes a refused value, cut to 80 characters, in the message', () => {
    const error = thrown(() => encodeEvent({ id: `${'a'.repeat(200)}\n`, data: 'x' }));
    expect(error.message).toContain(JSON.stringify('a'.repeat(80)));
    expect(error.message).not.toContain('\n');
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'refuses retry %s with INVALID_FIELD',
    (retry) => {
      expect(thrown(() => encodeEvent({ retry, data: 'x' })).code).toBe('INVALID_FIELD');
    },
  );
});

describe('encodeRetry', () => {
  it('writes a retry field and a blank line', () => {
    expect(encodeRetry(2000)).toBe('retry: 2000\n\n');
    expect(encodeRetry(0)).toBe('retry: 0\n\n');
  });

  it.each([-5, 0.5, Number.NaN])('refuses %s', (retry) => {
    expect(thrown(() => encodeRetry(retry)).code).toBe('INVALID_FIELD');
  });
});

describe('encodeComment', () => {
  it('writes a comment line and a blank line', () => {
    expect(encodeComment('hb')).toBe(': hb\n\n');
  });

  it('prefixes every line, so a line break in the text cannot start a field', () => {
    expect(encodeComment('a\ndata: x\r\nb\r')).toBe(': a\n: data: x\n: b\n:\n\n');
  });

  it('writes a bare colon for an empty text', () => {
    expect(encodeComment('')).toBe(':\n\n');
  });
});
