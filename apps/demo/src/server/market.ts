// The simulated market: a mean-reverting random walk per symbol, trades and alerts, sent through a
// `MarketSink` that the server wires to `sse.publish`.
import type { EventData } from '@ssekit/core';
import type { SymbolSnapshot, TradeSnapshot } from '../api.js';
import type { MarketContract } from '../events.js';

/** The symbols the market simulates, with the price each opens at. */
export const SYMBOLS = [
  { symbol: 'AAPL', name: 'Apple', open: 191.2 },
  { symbol: 'MSFT', name: 'Microsoft', open: 418.5 },
  { symbol: 'NVDA', name: 'Nvidia', open: 134.8 },
  { symbol: 'AMZN', name: 'Amazon', open: 186.4 },
  { symbol: 'GOOGL', name: 'Alphabet', open: 171.3 },
  { symbol: 'META', name: 'Meta Platforms', open: 562.1 },
  { symbol: 'TSLA', name: 'Tesla', open: 248.9 },
  { symbol: 'NFLX', name: 'Netflix', open: 689.7 },
  { symbol: 'AMD', name: 'AMD', open: 158.2 },
  { symbol: 'JPM', name: 'JPMorgan Chase', open: 211.6 },
] as const;

type Price = EventData<MarketContract, 'price'>;
type Trade = EventData<MarketContract, 'trade'>;
type Alert = EventData<MarketContract, 'alert'>;

/** Where the market sends what happens: the server wires these to `sse.publish`. */
export interface MarketSink {
  price(data: Price): void;
  trade(data: Trade): void;
  alert(data: Alert): void;
}

export interface MarketOptions {
  sink: MarketSink;
  /** Time between two ticks; every symbol moves on every tick. @default 250 */
  tickMs?: number;
  /** A move since the last alert on a symbol larger than this fraction raises an alert. @default 0.02 */
  alertThreshold?: number;
  /** Prices kept per symbol for the snapshot's sparklines. @default 240 */
  historyLength?: number;
  /**
   * Ticks simulated without publishing before the market opens, so that the first page load shows
   * a full minute of history. @default historyLength
   */
  warmUpTicks?: number;
  /** Random numbers in [0, 1): tests pass a seeded one. @default Math.random */
  random?: () => number;
}

interface Quote {
  readonly symbol: string;
  readonly name: string;
  readonly open: number;
  price: number;
  seq: number;
  /** When the last tick was published. */
  at: Date;
  /** The price at the last alert (or the open): alerts fire on moves away from it. */
  alertRef: number;
  readonly history: number[];
}

// Per tick: a log-normal step, pulled gently back toward the open so that a long-running demo
// stays near believable prices. σ = 0.15% per tick is about 2.3% per minute at four ticks a second,
// enough for a 2% alert every minute or two per symbol.
const SIGMA = 0.0015;
const REVERSION = 0.002;
const TRADE_PROBABILITY = 0.02;
const TRADES_KEPT = 50;

/**
 * A simulated market: a mean-reverting random walk per symbol, a few trades from other participants,
 * and an alert whenever a price moves past the threshold since the last alert on its symbol.
 */
export class Market {
  readonly #sink: MarketSink;
  readonly #tickMs: number;
  readonly #alertThreshold: number;
  readonly #historyLength: number;
  readonly #random: () => number;
  readonly #quotes = new Map<string, Quote>();
  readonly #trades: TradeSnapshot[] = [];
  #timer: NodeJS.Timeout | undefined;
  #ids = 0;

  constructor(options: MarketOptions) {
    this.#sink = options.sink;
    this.#tickMs = options.tickMs ?? 250;
    this.#alertThreshold = options.alertThreshold ?? 0.02;
    this.#historyLength = options.historyLength ?? 240;
    this.#random = options.random ?? Math.random;
    for (const { symbol, name, open } of SYMBOLS) {
      this.#quotes.set(symbol, {
        symbol,
        name,
        open,
        price: open,
        seq: 0,
        at: new Date(),
        alertRef: open,
        history: [open],
      });
    }
    const warmUp = options.warmUpTicks ?? this.#historyLength;
    for (let i = 0; i < warmUp; i++) {
      for (const quote of this.#quotes.values()) this.#move(quote);
    }
    for (const quote of this.#quotes.values()) quote.alertRef = quote.price;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => this.tick(), this.#tickMs);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The last price of a symbol, or `undefined` for a symbol the market does not have. */
  price(symbol: string): number | undefined {
    return this.#quotes.get(symbol)?.price;
  }

  /** Record and publish a trade (the order desk's fills come through here too). */
  trade(trade: Omit<Trade, 'id' | 'at'>): Trade {
    const data: Trade = { ...trade, id: this.#nextId('t'), at: new Date() };
    this.#trades.unshift({ ...data, at: data.at.toISOString() });
    this.#trades.length = Math.min(this.#trades.length, TRADES_KEPT);
    this.#sink.trade(data);
    return data;
  }

  /** Every symbol now, and the recent trades, newest first. */
  snapshot(): { symbols: SymbolSnapshot[]; trades: TradeSnapshot[] } {
    const symbols = [...this.#quotes.values()].map((q) => ({
      symbol: q.symbol,
      name: q.name,
      open: q.open,
      price: q.price,
      change: q.price / q.open - 1,
      seq: q.seq,
      at: q.at.toISOString(),
      history: [...q.history],
    }));
    return { symbols, trades: this.#trades.map((t) => ({ ...t })) };
  }

  /** One step of every symbol. Public so that tests can drive the market without timers. */
  tick(): void {
    const at = new Date();
    for (const quote of this.#quotes.values()) {
      this.#move(quote);
      quote.seq += 1;
      quote.at = at;
      this.#sink.price({
        symbol: quote.symbol,
        price: quote.price,
        change: quote.price / quote.open - 1,
        seq: quote.seq,
        at,
      });

      const move = quote.price / quote.alertRef - 1;
      if (Math.abs(move) > this.#alertThreshold) {
        this.#sink.alert({
          id: this.#nextId('a'),
          symbol: quote.symbol,
          move,
          from: quote.alertRef,
          to: quote.price,
          at,
        });
        quote.alertRef = quote.price;
      }

      if (this.#random() < TRADE_PROBABILITY) {
        this.trade({
          symbol: quote.symbol,
          side: this.#random() < 0.5 ? 'buy' : 'sell',
          qty: 1 + Math.floor(this.#random() ** 3 * 500),
          price: quote.price,
        });
      }
    }
  }

  #move(quote: Quote): void {
    const drift = -REVERSION * Math.log(quote.price / quote.open);
    quote.price = Math.max(0.01, round2(quote.price * Math.exp(drift + SIGMA * this.#gaussian())));
    quote.history.push(quote.price);
    if (quote.history.length > this.#historyLength) quote.history.shift();
  }

  #nextId(prefix: string): string {
    this.#ids += 1;
    return `${prefix}${Date.now().toString(36)}${this.#ids.toString(36)}`;
  }

  // Box–Muller: one standard normal sample from two uniform ones.
  #gaussian(): number {
    const u = 1 - this.#random();
    const v = this.#random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
