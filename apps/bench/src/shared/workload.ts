// The workload every contender serves: the `price` event, what its `price` field carries (a
// sequence number or a publish time), and the marker the load generator counts events by.

/** The event every contender publishes: the `price` event of the DESIGN's example contract. */
export interface PriceEvent {
  symbol: string;
  price: number;
  at: Date;
}

/**
 * What `price` carries, so that the load generator can check order or measure latency without a
 * second field: `seq` puts the sequence number there (burst, RPC stream), `time` the publish
 * timestamp in milliseconds with a fraction (steady rate).
 */
export type PriceMode = 'seq' | 'time';

const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN'] as const;

/** One event; `value` is the sequence number or the timestamp, per `PriceMode`. */
export function makePrice(seq: number, value: number): PriceEvent {
  return { symbol: SYMBOLS[seq % SYMBOLS.length]!, price: value, at: new Date() };
}

/**
 * The bytes that occur exactly once in the data of every workload event, whatever the contender:
 * the load generator counts events by counting these.
 */
export const EVENT_MARKER = '"symbol":';
