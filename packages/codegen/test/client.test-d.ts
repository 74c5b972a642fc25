import type { Contract, EventData, StreamEventData, StreamInput } from '@ssekit/core';
import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import {
  type AppContract,
  type BuildLogInput,
  type BuildLogLine,
  type Comment,
  createClient,
  type EventName,
  eventNames,
  type Price,
  type PriceWire,
  type StreamName,
  type Trade,
} from './fixtures/market.client.js';
import type { contract as original } from './fixtures/market.js';

type Original = typeof original;

describe('the generated client of the fixture contract', () => {
  const client = createClient({ url: '/sse' });

  it('gives subscribers decoded, typed data', () => {
    client.subscribe('price', (data) => {
      expectTypeOf(data).toEqualTypeOf<Price>();
      expectTypeOf(data.at).toEqualTypeOf<Date>();
      expectTypeOf(data.volume).toEqualTypeOf<bigint>();
      expectTypeOf(data.note).toEqualTypeOf<string | undefined>();
      expectTypeOf(data.venue).toEqualTypeOf<string>();
    });
    client.subscribe('trade', (data) => {
      expectTypeOf(data.side).toEqualTypeOf<'buy' | 'sell'>();
      expectTypeOf(data.order).toEqualTypeOf<Trade['order']>();
      if (data.order.type === 'limit') expectTypeOf(data.order.limit).toEqualTypeOf<number>();
    });
    client.subscribe('tree', (data) =>
      expectTypeOf(data.children[0]!.children).toEqualTypeOf<typeof data.children>(),
    );
    client.subscribe('thread', (data) =>
      expectTypeOf(data.root.replies).toEqualTypeOf<Comment[]>(),
    );
  });

  it('types the input and the events of RPC streams', () => {
    const stream = client.stream('buildLog', { buildId: '42', since: new Date() });
    expectTypeOf<Parameters<typeof client.stream<'buildLog'>>[1]>().toEqualTypeOf<BuildLogInput>();
    stream.on('line', (line) => expectTypeOf(line).toEqualTypeOf<BuildLogLine>());
    stream.on('done', (done) => expectTypeOf(done.total).toEqualTypeOf<bigint>());
    client.stream('echo', ['a', 'b']);
  });

  it('refuses names the contract does not have', () => {
    // @ts-expect-error: no such event
    client.subscribe('quote', () => {});
    // @ts-expect-error: no such stream
    client.stream('deploy', {});
    // @ts-expect-error: the input misses buildId
    client.stream('buildLog', {});
    // @ts-expect-error: no such event on this stream
    client.stream('buildLog', { buildId: '1' }).on('line2', () => {});
  });

  it('types the branded contract as defineContract would', () => {
    type Defined = Contract<AppContract['events'], AppContract['streams']>;
    expectTypeOf<AppContract>().toEqualTypeOf<Defined>();
    expectTypeOf<AppContract['streams']['buildLog']['events']>().toEqualTypeOf<
      Defined['streams']['buildLog']['events']
    >();
  });

  it('exports the names as literal types', () => {
    expectTypeOf<(typeof eventNames)[number]>().toEqualTypeOf<EventName>();
    expectTypeOf(eventNames[0]).toEqualTypeOf<'price'>();
    expectTypeOf<EventName>().toEqualTypeOf<keyof Original['events']>();
    expectTypeOf<StreamName>().toEqualTypeOf<'buildLog' | 'echo'>();
    expectTypeOf<PriceWire['at']>().toEqualTypeOf<string>();
  });

  it('prints the same types as the original contract infers, decoded and on the wire', () => {
    type Same<TName extends keyof Original['events'] & keyof AppContract['events']> = [
      EventData<Original, TName>,
      EventData<AppContract, TName>,
    ];
    expectTypeOf<Same<'price'>[1]>().toEqualTypeOf<Same<'price'>[0]>();
    expectTypeOf<Same<'trade'>[1]>().toEqualTypeOf<Same<'trade'>[0]>();
    expectTypeOf<Same<'status.v2'>[1]>().toEqualTypeOf<Same<'status.v2'>[0]>();
    expectTypeOf<Same<'heartbeat'>[1]>().toEqualTypeOf<Same<'heartbeat'>[0]>();
    expectTypeOf<Same<'pair'>[1]>().toEqualTypeOf<Same<'pair'>[0]>();
    expectTypeOf<Same<'count'>[1]>().toEqualTypeOf<Same<'count'>[0]>();
    expectTypeOf<z.input<AppContract['events']['price']>>().toEqualTypeOf<
      z.input<Original['events']['price']>
    >();
    expectTypeOf<z.input<AppContract['events']['trade']>>().toEqualTypeOf<
      z.input<Original['events']['trade']>
    >();
    expectTypeOf<z.input<AppContract['events']['status.v2']>>().toEqualTypeOf<
      z.input<Original['events']['status.v2']>
    >();
    expectTypeOf<StreamInput<AppContract, 'buildLog'>>().toEqualTypeOf<
      StreamInput<Original, 'buildLog'>
    >();
    expectTypeOf<StreamEventData<AppContract, 'buildLog', 'done'>>().toEqualTypeOf<
      StreamEventData<Original, 'buildLog', 'done'>
    >();
  });
});

describe('the generated types of the edge-case contract', () => {
  type Generated = import('./fixtures/edge.client.js').AppContract;
  type Source = typeof import('./fixtures/edge.js').contract;
  type Output<C extends Generated | Source, N extends keyof Source['events']> = z.output<
    C['events'][N]
  >;
  type Input<C extends Generated | Source, N extends keyof Source['events']> = z.input<
    C['events'][N]
  >;

  it('equal what zod infers from the original schemas', () => {
    expectTypeOf<Output<Generated, 'formats'>>().toEqualTypeOf<Output<Source, 'formats'>>();
    expectTypeOf<Output<Generated, 'strings'>>().toEqualTypeOf<Output<Source, 'strings'>>();
    expectTypeOf<Output<Generated, 'numbers'>>().toEqualTypeOf<Output<Source, 'numbers'>>();
    expectTypeOf<Input<Generated, 'numbers'>>().toEqualTypeOf<Input<Source, 'numbers'>>();
    expectTypeOf<Output<Generated, 'json'>>().toEqualTypeOf<Output<Source, 'json'>>();
    expectTypeOf<Output<Generated, 'folder'>>().toEqualTypeOf<Output<Source, 'folder'>>();
    expectTypeOf<Output<Generated, 'described'>>().toEqualTypeOf<Output<Source, 'described'>>();
  });
});

describe('the generated types of the edge-case shapes', () => {
  type Generated = import('./fixtures/edge.client.js').AppContract['events']['shapes'];
  type Source = typeof import('./fixtures/edge.js').contract.events.shapes;
  type GO = z.output<Generated>;
  type SO = z.output<Source>;
  type GI = z.input<Generated>;
  type SI = z.input<Source>;

  it('equal what zod infers, key by key', () => {
    expectTypeOf<keyof GO>().toEqualTypeOf<keyof SO>();
    expectTypeOf<keyof GI>().toEqualTypeOf<keyof SI>();
    expectTypeOf<Omit<GO, 'extra'>>().toEqualTypeOf<Omit<SO, 'extra'>>();
    expectTypeOf<Omit<GI, 'extra'>>().toEqualTypeOf<Omit<SI, 'extra'>>();
  });

  it('widens the index of a catchall object, which no literal type can spell as zod does', () => {
    expectTypeOf<GO['extra']['fixed']>().toEqualTypeOf<SO['extra']['fixed']>();
    expectTypeOf<SO['extra']>().toExtend<GO['extra']>();
  });
});
