// SseError and its codes: the JSON form (INTERNAL messages hidden), toSseError for any thrown
// value, and reading that JSON back on a client, hostile bodies included.
import { describe, expect, it } from 'vitest';
import {
  formatIssues,
  fromSseErrorJson,
  isSseErrorJson,
  SseError,
  SseErrorCode,
  type SseIssue,
  SseValidationError,
  toSseError,
} from './errors.js';

const issue = (path: (string | number)[], message: string): SseIssue => ({
  code: 'custom',
  path,
  message,
});

describe('SseErrorCode', () => {
  it('maps every code to itself, so codes are stable strings', () => {
    for (const [key, value] of Object.entries(SseErrorCode)) expect(value).toBe(key);
  });
});

describe('SseError', () => {
  it('carries code, status, event, issues and cause', () => {
    const cause = new Error('root');
    const error = new SseError('FORBIDDEN', 'no AAPL for you', {
      status: 403,
      event: 'price',
      issues: [issue(['a'], 'bad')],
      cause,
    });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('SseError');
    expect(error.code).toBe('FORBIDDEN');
    expect(error.status).toBe(403);
    expect(error.event).toBe('price');
    expect(error.cause).toBe(cause);
    expect(error.expose).toBe(true);
  });

  it('has no cause property when none was given', () => {
    expect('cause' in new SseError('BAD_REQUEST', 'x')).toBe(false);
  });

  it('writes its JSON form with only the fields it has', () => {
    expect(new SseError('UNKNOWN_EVENT', 'no such event').toJSON()).toEqual({
      code: 'UNKNOWN_EVENT',
      message: 'no such event',
    });
    expect(
      JSON.parse(JSON.stringify(new SseError('UNKNOWN_EVENT', 'm', { event: 'x', status: 400 }))),
    ).toEqual({ code: 'UNKNOWN_EVENT', message: 'm', event: 'x', status: 400 });
  });

  it('hides the message of INTERNAL errors and of errors marked not to expose', () => {
    expect(new SseError('INTERNAL', 'db password is hunter2').toJSON().message).toBe(
      'Internal error',
    );
    expect(new SseError('STREAM_FAILED', 'stack…', { expose: false }).toJSON().message).toBe(
      'Internal error',
    );
    expect(new SseError('INTERNAL', 'shown', { expose: true }).toJSON().message).toBe('shown');
  });
});

describe('SseValidationError', () => {
  it('is a VALIDATION_FAILED SseError with status 400 and a message naming the event', () => {
    const error = new SseValidationError('price', [issue(['price'], 'expected number')]);
    expect(error).toBeInstanceOf(SseError);
    expect(error.name).toBe('SseValidationError');
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.status).toBe(400);
    expect(error.message).toBe('Invalid data for "price": price: expected number');
    expect(error.toJSON().issues).toEqual([issue(['price'], 'expected number')]);
  });

  it('takes a message of its own', () => {
    expect(new SseValidationError('e', [], { message: 'custom' }).message).toBe('custom');
  });
});

describe('formatIssues', () => {
  it('joins paths with dots, leaves root issues bare, and shows at most five', () => {
    const issues = [
      issue(['a', 0, 'b'], 'one'),
      issue([], 'two'),
      ...Array.from({ length: 5 }, (_, i) => issue([`k${i}`], `m${i}`)),
    ];
    expect(formatIssues(issues)).toBe('a.0.b: one; two; k0: m0; k1: m1; k2: m2');
  });
});

describe('toSseError', () => {
  it('passes an SseError through', () => {
    const error = new SseError('FORBIDDEN', 'x');
    expect(toSseError(error)).toBe(error);
  });

  it.each([new Error('secret'), 'a string', 42, null, undefined])(
    'turns %j into a generic INTERNAL error that keeps the cause',
    (thrown) => {
      const error = toSseError(thrown);
      expect(error.code).toBe('INTERNAL');
      expect(error.expose).toBe(false);
      expect(error.toJSON()).toEqual({ code: 'INTERNAL', message: 'Internal error' });
      if (thrown !== undefined) expect(error.cause).toBe(thrown);
    },
  );
});

describe('isSseErrorJson and fromSseErrorJson', () => {
  it.each([
    [{ code: 'X', message: 'm' }, true],
    [{ code: 'X' }, false],
    [{ message: 'm' }, false],
    [{ code: 1, message: 'm' }, false],
    [null, false],
    ['{"code":"X","message":"m"}', false],
  ])('isSseErrorJson(%j) is %s', (value, expected) => {
    expect(isSseErrorJson(value)).toBe(expected);
  });

  it('rebuilds an error from its JSON form', () => {
    const original = new SseError('INVALID_INPUT', 'bad input', {
      status: 400,
      event: 'buildLog',
      issues: [issue(['buildId'], 'required')],
    });
    const rebuilt = fromSseErrorJson(JSON.parse(JSON.stringify(original)));
    expect(rebuilt).toBeInstanceOf(SseError);
    expect(rebuilt.toJSON()).toEqual(original.toJSON());
  });

  it('turns an unknown code into INTERNAL, keeping the message the server chose to send', () => {
    const error = fromSseErrorJson({ code: 'FROM_THE_FUTURE' as never, message: 'm' });
    expect(error.code).toBe('INTERNAL');
    expect(error.message).toBe('m');
  });

  it('prefers the status given by the caller (the HTTP status) over the body', () => {
    expect(
      fromSseErrorJson({ code: 'FORBIDDEN', message: 'm', status: 400 }, { status: 403 }).status,
    ).toBe(403);
  });

  it('ignores issues that are not an array', () => {
    expect(
      fromSseErrorJson({ code: 'INVALID_INPUT', message: 'm', issues: 'x' as never }).issues,
    ).toBeUndefined();
  });
});

describe('fromSseErrorJson on hostile input', () => {
  it('keeps only well-formed issues and bounds every string', () => {
    const error = fromSseErrorJson({
      code: 'INVALID_INPUT',
      message: 'm'.repeat(5000),
      issues: [
        { code: 'x', path: ['a', 1], message: 'ok' },
        { code: 'x', path: [{}], message: 'bad path' },
        null,
        'text',
        { path: ['a'], message: 'no code' },
      ] as never,
    });
    expect(error.message).toHaveLength(1000);
    expect(error.issues).toEqual([{ code: 'x', path: ['a', 1], message: 'ok' }]);
    expect(() => formatIssues(error.issues ?? [])).not.toThrow();
  });
});
