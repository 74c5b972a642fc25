// defineContract's checks at startup (names, reserved names, schemas, stream shapes), and the
// helpers beside it: checkEventName, isContract, and the control events' reserved names.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SseError } from '../errors.js';
import { ControlEvent } from '../wire/control.js';
import {
  checkEventName,
  defineContract,
  EVENT_NAME_PATTERN,
  isContract,
  RESERVED_PREFIX,
} from './define.js';

function contractError(fn: () => unknown): SseError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SseError);
    expect((error as SseError).code).toBe('INVALID_CONTRACT');
    return error as SseError;
  }
  throw new Error('expected defineContract to throw');
}

const price = z.object({ symbol: z.string(), price: z.number() });

describe('defineContract', () => {
  it('returns a frozen, branded contract holding the schemas as given', () => {
    const streams = {
      buildLog: { input: z.object({ buildId: z.string() }), events: { line: z.string() } },
    };
    const contract = defineContract({ events: { price }, streams });
    expect(contract.events.price).toBe(price);
    expect(contract.streams.buildLog).toBe(streams.buildLog);
    expect(Object.isFrozen(contract)).toBe(true);
    expect(isContract(contract)).toBe(true);
  });

  it('accepts a contract with no events or no streams', () => {
    expect(defineContract({}).events).toEqual({});
    expect(defineContract({ events: { price } }).streams).toEqual({});
  });

  it.each(['a', 'price', 'Price2', 'order_book', 'order-book', 'v1.price', 'a..b', 'ssekit'])(
    'accepts the name %j',
    (name) => {
      expect(() => defineContract({ events: { [name]: price } })).not.toThrow();
    },
  );

  it.each([
    '',
    '1price',
    '_price',
    '-price',
    '.price',
    'pri ce',
    'price:AAPL',
    'price/AAPL',
    'price\n',
    'prïce',
    'price?',
  ])('refuses the event name %j, naming the key', (name) => {
    const error = contractError(() => defineContract({ events: { [name]: price } }));
    expect(error.message).toContain(JSON.stringify(name));
    expect(error.message).toContain('events');
    expect(error.message).toContain(String(EVENT_NAME_PATTERN));
  });

  it.each(['ssekit.reset', 'ssekit.custom', 'SSEKIT.reset', 'Ssekit.x'])(
    'refuses the reserved name %j',
    (name) => {
      const error = contractError(() => defineContract({ events: { [name]: price } }));
      expect(error.message).toContain(JSON.stringify(name));
      expect(error.message).toContain(RESERVED_PREFIX);
    },
  );

  it('refuses a reserved name as a stream event too', () => {
    const error = contractError(() =>
      defineContract({
        streams: { build: { input: z.object({}), events: { [ControlEvent.END]: z.object({}) } } },
      }),
    );
    expect(error.message).toContain('streams.build.events');
  });

  it.each([
    ['a number', 42],
    ['a string', 'z.string()'],
    ['null', null],
    ['a plain object', { type: 'string' }],
    ['a function', () => z.string()],
  ])('refuses %s as an event schema, naming the key', (_what, value) => {
    const error = contractError(() =>
      defineContract({ events: { price, trade: value as unknown as z.ZodType } }),
    );
    expect(error.message).toContain('events.trade');
  });

  it('refuses events that are not an object', () => {
    contractError(() => defineContract({ events: 'price' as never }));
  });

  it('refuses a bad stream name, naming it', () => {
    const error = contractError(() =>
      defineContract({ streams: { 'build log': { input: z.object({}), events: {} } } }),
    );
    expect(error.message).toContain('"build log"');
    expect(error.message).toContain('streams');
  });

  it('refuses a stream whose input is not a zod schema', () => {
    const error = contractError(() =>
      defineContract({ streams: { build: { input: {} as z.ZodType, events: {} } } }),
    );
    expect(error.message).toContain('streams.build.input');
  });

  it('refuses a stream that is not an object, or has no events object', () => {
    contractError(() => defineContract({ streams: { build: null as never } }));
    const error = contractError(() =>
      defineContract({ streams: { build: { input: z.object({}) } as never } }),
    );
    expect(error.message).toContain('streams.build.events');
  });

  it('refuses a bad name among a stream’s events, naming the stream', () => {
    const error = contractError(() =>
      defineContract({
        streams: { build: { input: z.object({}), events: { 'line!': z.string() } } },
      }),
    );
    expect(error.message).toContain('"line!"');
    expect(error.message).toContain('streams.build.events');
  });
});

describe('checkEventName', () => {
  it('names where the bad name was found', () => {
    expect(() => checkEventName('a b', 'the events filter')).toThrow(/the events filter/);
    expect(() => checkEventName('ok', 'anywhere')).not.toThrow();
  });
});

describe('isContract', () => {
  it.each([
    null,
    undefined,
    1,
    'contract',
    {},
    { '~ssekit': 'other' },
    { events: {}, streams: {} },
  ])('is false for %j', (value) => {
    expect(isContract(value)).toBe(false);
  });
});

describe('ControlEvent', () => {
  it('names every control event with the reserved prefix', () => {
    for (const name of Object.values(ControlEvent)) {
      expect(name.startsWith(RESERVED_PREFIX)).toBe(true);
      expect(EVENT_NAME_PATTERN.test(name)).toBe(true);
    }
  });
});
