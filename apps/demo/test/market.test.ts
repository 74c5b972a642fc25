import { type EventData, encodeData, SseError } from '@ssekit/core';
import { createRandom } from '@ssekit/test-kit';
import { describe, expect, it } from 'vitest';
import { contract, type MarketContract } from '../src/events.js';
import { Market, type MarketSink, SYMBOLS } from '../src/server/market.js';
import { OrderDesk, type OrderUpdate, splitQty } from '../src/server/orders.js';

type Published = {
  [TName in keyof MarketContract['events'] & string]: {
    event: TName;
    data: EventData<MarketContract, TName>;
  };
}[keyof MarketContract['events'] & string];

/** A sink that checks every event against the contract, as `sse.publish` would, and keeps it. */
function recordingSink(): { sink: MarketSink; events: Published[] } {
  const events: Published[] = [];
  const check = (item: Published) => {
    encodeData(contract.events[item.event], item.data, item.event); // throws when invalid
    events.push(item);
  };
  return {
    events,
    sink: {
      price: (data) => check({ event: 'price', data }),
      trade: (data) => check({ event: 'trade', data }),
      alert: (data) => check({ event: 'alert', data }),
    },
  };
}

/** A seeded generator, so that a run is the same every time. */
const seeded = (seed: number) => createRandom(seed).next;

describe('Market', () => {
  it('moves every symbol on every tick, with a seq that grows by one, all valid for the contract', () => {
    const { sink, events } = recordingSink();
    const market = new Market({ sink, random: seeded(1) });
    for (let i = 0; i < 50; i++) market.tick();
    const prices = events.filter((e) => e.event === 'price');
    expect(prices).toHaveLength(50 * SYMBOLS.length);
    for (const { symbol } of SYMBOLS) {
      const seqs = prices.filter((p) => p.data.symbol === symbol).map((p) => p.data.seq);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    }
    expect(events.some((e) => e.event === 'trade')).toBe(true);
  });

  it('raises an alert when a price moves more than the threshold since the last alert', () => {
    const { sink, events } = recordingSink();
    const market = new Market({ sink, random: seeded(7), alertThreshold: 0.005 });
    for (let i = 0; i < 400; i++) market.tick();
    const alerts = events.flatMap((e) => (e.event === 'alert' ? [e.data] : []));
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      expect(Math.abs(alert.move)).toBeGreaterThan(0.005);
      expect(alert.to / alert.from - 1).toBeCloseTo(alert.move, 10);
    }
  });

  it('gives a snapshot with a full history after the warm-up', () => {
    const market = new Market({ sink: recordingSink().sink, random: seeded(3) });
    const { symbols } = market.snapshot();
    expect(symbols.map((s) => s.symbol)).toEqual(SYMBOLS.map((s) => s.symbol));
    for (const s of symbols) {
      expect(s.history).toHaveLength(240);
      expect(s.history.at(-1)).toBe(s.price);
      expect(s.seq).toBe(0);
    }
  });
});

describe('OrderDesk', () => {
  it('splits a quantity into positive slices that add up', () => {
    expect(splitQty(250, 4)).toEqual([63, 63, 62, 62]);
    expect(splitQty(2, 5)).toEqual([1, 1]);
    expect(splitQty(1, 1)).toEqual([1]);
  });

  it('fills an order in slices, publishes each as a trade, and streams its progress', async () => {
    const { sink, events } = recordingSink();
    const market = new Market({ sink, random: seeded(5) });
    const desk = new OrderDesk({ market, fillEveryMs: 5 });
    const { orderId } = desk.place({ symbol: 'NVDA', side: 'sell', qty: 250 });

    const updates: OrderUpdate[] = [];
    for await (const update of desk.follow(orderId, 0, new AbortController().signal)) {
      updates.push(update);
    }
    const fills = updates.flatMap((u) => (u.event === 'fill' ? [u.data] : []));
    expect(fills.reduce((sum, f) => sum + f.qty, 0)).toBe(250);
    expect(fills.at(-1)?.filledQty).toBe(250);
    expect(updates.map((u) => u.id)).toEqual(updates.map((_, i) => String(i + 1)));
    expect(updates.at(-1)).toMatchObject({ event: 'done', data: { filledQty: 250 } });

    const trades = events.flatMap((e) =>
      e.event === 'trade' && e.data.orderId === orderId ? [e.data] : [],
    );
    expect(trades.map((t) => t.id)).toEqual(fills.map((f) => f.tradeId));
    expect(trades.every((t) => t.side === 'sell' && t.symbol === 'NVDA')).toBe(true);

    // Resuming after the second fill replays the rest only.
    const resumed: OrderUpdate[] = [];
    for await (const update of desk.follow(orderId, 2, new AbortController().signal)) {
      resumed.push(update);
    }
    expect(resumed).toEqual(updates.slice(2));
    desk.close();
  });

  it('refuses an unknown symbol and an unknown order with INVALID_INPUT', async () => {
    const desk = new OrderDesk({ market: new Market({ sink: recordingSink().sink }) });
    expect(() => desk.place({ symbol: 'NOPE', side: 'buy', qty: 1 })).toThrow(SseError);
    const follow = desk.follow('o-missing', 0, new AbortController().signal);
    await expect(follow.next()).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('stops following when the signal aborts', async () => {
    const market = new Market({ sink: recordingSink().sink });
    const desk = new OrderDesk({ market, fillEveryMs: 60_000 });
    const { orderId } = desk.place({ symbol: 'AAPL', side: 'buy', qty: 10 });
    const controller = new AbortController();
    const next = desk.follow(orderId, 0, controller.signal).next();
    controller.abort();
    await expect(next).resolves.toEqual({ done: true, value: undefined });
    desk.close();
  });

  it('bounds each client: orders filling at once, and orders a minute (RATE_LIMITED)', async () => {
    const market = new Market({ sink: recordingSink().sink });
    const desk = new OrderDesk({
      market,
      fillEveryMs: 5,
      maxOpenOrdersPerClient: 2,
      maxOrdersPerMinute: 3,
    });
    const order = { symbol: 'AAPL', side: 'buy', qty: 1 } as const;
    desk.place(order, 'a');
    const { orderId } = desk.place(order, 'a');
    expect(() => desk.place(order, 'a')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    // Another client is not affected.
    desk.place(order, 'b');
    // Once an order is filled, its slot is free again, up to the rate.
    for await (const _ of desk.follow(orderId, 0, new AbortController().signal)) {
      // drain
    }
    desk.place(order, 'a');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(() => desk.place(order, 'a')).toThrow(/a minute/);
    desk.close();
  });
});
