// Type tests of the contract's type helpers: names, decoded and wire data, and the tagged unions of
// events and stream events, from a contract with codecs.
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { bigintString } from '../codecs/bigint-string.js';
import { isoDate } from '../codecs/iso-date.js';
import { type Contract, defineContract } from './define.js';
import type {
  AnyEvent,
  EventData,
  EventName,
  EventWireData,
  StreamEvent,
  StreamEventData,
  StreamEventName,
  StreamInput,
  StreamName,
} from './types.js';

const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    trade: z.object({ id: z.string(), qty: z.int(), volume: bigintString() }),
  },
  streams: {
    buildLog: {
      input: z.object({ buildId: z.string(), since: isoDate().optional() }),
      events: { line: z.object({ text: z.string() }), done: z.object({ ok: z.boolean() }) },
    },
    ping: { input: z.object({}), events: { pong: z.object({ at: isoDate() }) } },
  },
});
type C = typeof contract;

describe('contract type helpers', () => {
  it('defineContract keeps the literal keys', () => {
    expectTypeOf(contract).toExtend<Contract>();
    expectTypeOf<keyof C['events']>().toEqualTypeOf<'price' | 'trade'>();
  });

  it('EventName is the union of broadcast event names', () => {
    expectTypeOf<EventName<C>>().toEqualTypeOf<'price' | 'trade'>();
  });

  it('EventData is the decoded value: Date for isoDate(), bigint for bigintString()', () => {
    expectTypeOf<EventData<C, 'price'>>().toEqualTypeOf<{
      symbol: string;
      price: number;
      at: Date;
    }>();
    expectTypeOf<EventData<C, 'trade'>>().toEqualTypeOf<{
      id: string;
      qty: number;
      volume: bigint;
    }>();
  });

  it('EventWireData is the encoded value: strings for the codecs', () => {
    expectTypeOf<EventWireData<C, 'price'>['at']>().toEqualTypeOf<string>();
    expectTypeOf<EventWireData<C, 'trade'>['volume']>().toEqualTypeOf<string>();
  });

  it('EventData refuses a name that is not in the contract', () => {
    // @ts-expect-error: 'quote' is not an event of the contract
    expectTypeOf<EventData<C, 'quote'>>().toBeObject();
  });

  it('AnyEvent is a union tagged by event', () => {
    expectTypeOf<AnyEvent<C>>().toEqualTypeOf<
      | { event: 'price'; data: { symbol: string; price: number; at: Date } }
      | { event: 'trade'; data: { id: string; qty: number; volume: bigint } }
    >();
  });

  it('StreamName, StreamInput and StreamEventName describe each stream', () => {
    expectTypeOf<StreamName<C>>().toEqualTypeOf<'buildLog' | 'ping'>();
    expectTypeOf<StreamInput<C, 'buildLog'>>().toEqualTypeOf<{
      buildId: string;
      since?: Date | undefined;
    }>();
    expectTypeOf<StreamEventName<C, 'buildLog'>>().toEqualTypeOf<'line' | 'done'>();
    expectTypeOf<StreamEventData<C, 'ping', 'pong'>>().toEqualTypeOf<{ at: Date }>();
  });

  it('StreamEvent is the union of one stream’s events, and narrows on event', () => {
    expectTypeOf<StreamEvent<C, 'buildLog'>>().toEqualTypeOf<
      { event: 'line'; data: { text: string } } | { event: 'done'; data: { ok: boolean } }
    >();
    const handle = (e: StreamEvent<C, 'buildLog'>) => {
      if (e.event === 'line') expectTypeOf(e.data).toEqualTypeOf<{ text: string }>();
      else expectTypeOf(e.data).toEqualTypeOf<{ ok: boolean }>();
    };
    expectTypeOf(handle).toBeFunction();
  });

  it('a contract without streams has no stream names', () => {
    const eventsOnly = defineContract({ events: { tick: z.number() } });
    expectTypeOf<StreamName<typeof eventsOnly>>().toBeNever();
    expectTypeOf<EventData<typeof eventsOnly, 'tick'>>().toEqualTypeOf<number>();
  });
});
