// The order desk: an order filled in slices, each published as a trade, and its progress as the
// `orderFills` RPC stream, which a client can resume by id.
import { SseError, SseErrorCode, type StreamEventData } from '@ssekit/core';
import type { OrderInput } from '../api.js';
import type { MarketContract } from '../events.js';
import type { Market } from './market.js';

type Fill = StreamEventData<MarketContract, 'orderFills', 'fill'>;
type Done = StreamEventData<MarketContract, 'orderFills', 'done'>;

/** One step of an order's progress, as the `orderFills` stream yields it. */
export type OrderUpdate =
  | { event: 'fill'; data: Fill; id: string }
  | { event: 'done'; data: Done; id: string };

interface Order {
  readonly id: string;
  readonly input: OrderInput;
  readonly fills: Fill[];
  done: boolean;
  /** Wakes the streams that follow this order. */
  readonly waiters: Set<() => void>;
  /** Frees the client's slot. */
  readonly onDone: () => void;
}

export interface OrderDeskOptions {
  market: Market;
  /** Time between two fills of an order. @default 400 */
  fillEveryMs?: number;
  /** Orders kept for their streams; the oldest go first. @default 1_000 */
  maxOrders?: number;
  /** Orders of one client still filling at once. @default 5 */
  maxOpenOrdersPerClient?: number;
  /** Orders one client may place per minute. @default 30 */
  maxOrdersPerMinute?: number;
}

/**
 * The order desk: an order is filled in a few slices at the market's price, each slice published
 * as a trade; its progress can be followed (and resumed) as the `orderFills` RPC stream.
 */
export class OrderDesk {
  readonly #market: Market;
  readonly #fillEveryMs: number;
  readonly #maxOrders: number;
  readonly #orders = new Map<string, Order>();
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #maxOpenPerClient: number;
  readonly #maxPerMinute: number;
  /** Per client: orders still filling, and the times of its orders in the last minute. */
  readonly #clients = new Map<string, { open: number; recent: number[] }>();
  #ids = 0;

  constructor(options: OrderDeskOptions) {
    this.#market = options.market;
    this.#fillEveryMs = options.fillEveryMs ?? 400;
    this.#maxOrders = options.maxOrders ?? 1_000;
    this.#maxOpenPerClient = options.maxOpenOrdersPerClient ?? 5;
    this.#maxPerMinute = options.maxOrdersPerMinute ?? 30;
  }

  /**
   * Accept an order from `client` (its address) and start filling it. Throws `INVALID_INPUT` for a
   * symbol the market lacks, and `RATE_LIMITED` past the client's open orders or its rate: one
   * client cannot flood every dashboard's trade feed and replay window.
   */
  place(input: OrderInput, client = 'anonymous'): { orderId: string } {
    if (this.#market.price(input.symbol) === undefined) {
      throw new SseError(SseErrorCode.INVALID_INPUT, `Unknown symbol ${input.symbol}`, {
        status: 400,
      });
    }
    const now = Date.now();
    let state = this.#clients.get(client);
    if (!state) {
      state = { open: 0, recent: [] };
      this.#clients.set(client, state);
    }
    state.recent = state.recent.filter((at) => now - at < 60_000);
    if (state.open >= this.#maxOpenPerClient || state.recent.length >= this.#maxPerMinute) {
      throw new SseError(
        SseErrorCode.RATE_LIMITED,
        state.open >= this.#maxOpenPerClient
          ? `At most ${this.#maxOpenPerClient} orders filling at once`
          : `At most ${this.#maxPerMinute} orders a minute`,
        { status: 429 },
      );
    }
    state.recent.push(now);
    state.open += 1;
    const owner = state;
    this.#ids += 1;
    const id = `o${Date.now().toString(36)}${this.#ids.toString(36)}`;
    const order: Order = {
      id,
      input,
      fills: [],
      done: false,
      waiters: new Set(),
      onDone: () => {
        owner.open -= 1;
      },
    };
    this.#orders.set(id, order);
    if (this.#orders.size > this.#maxOrders) {
      const oldest = this.#orders.keys().next().value;
      if (oldest !== undefined) this.#orders.delete(oldest);
    }
    // Between three and eight slices, fewer for small orders.
    const slices = splitQty(input.qty, Math.min(input.qty, 3 + (this.#ids % 6)));
    this.#fillNext(order, slices);
    return { orderId: id };
  }

  /**
   * The order's fills after the `after`-th, then its summary; waits for fills still to come.
   * Ends when the order is done or the signal aborts.
   */
  async *follow(orderId: string, after: number, signal: AbortSignal): AsyncGenerator<OrderUpdate> {
    const order = this.#orders.get(orderId);
    if (!order) {
      throw new SseError(SseErrorCode.INVALID_INPUT, `No order ${JSON.stringify(orderId)}`);
    }
    let next = Math.max(0, after);
    while (!signal.aborted) {
      while (next < order.fills.length) {
        const data = order.fills[next]!;
        next += 1;
        yield { event: 'fill', data, id: String(next) };
      }
      if (order.done) {
        const filledQty = order.fills.reduce((sum, f) => sum + f.qty, 0);
        const notional = order.fills.reduce((sum, f) => sum + f.qty * f.price, 0);
        yield {
          event: 'done',
          data: { filledQty, avgPrice: Math.round((notional / filledQty) * 100) / 100 },
          id: String(next + 1),
        };
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = () => {
          order.waiters.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        order.waiters.add(wake);
        signal.addEventListener('abort', wake, { once: true });
      });
    }
  }

  /** Stop filling: pending fills are dropped. */
  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }

  #fillNext(order: Order, slices: number[]): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const qty = slices.shift();
      const price = this.#market.price(order.input.symbol);
      if (qty === undefined || price === undefined) {
        order.onDone();
        return;
      }
      const trade = this.#market.trade({
        symbol: order.input.symbol,
        side: order.input.side,
        qty,
        price,
        orderId: order.id,
      });
      const filledQty = order.fills.reduce((sum, f) => sum + f.qty, 0) + qty;
      order.fills.push({ tradeId: trade.id, qty, price, filledQty, totalQty: order.input.qty });
      order.done = slices.length === 0;
      if (order.done) order.onDone();
      for (const wake of [...order.waiters]) wake();
      if (!order.done) this.#fillNext(order, slices);
    }, this.#fillEveryMs);
    this.#timers.add(timer);
  }
}

/** Split `qty` into `count` positive integer slices that add up to it. */
export function splitQty(qty: number, count: number): number[] {
  const n = Math.max(1, Math.min(qty, count));
  const base = Math.floor(qty / n);
  return Array.from({ length: n }, (_, i) => base + (i < qty % n ? 1 : 0));
}
