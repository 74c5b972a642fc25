// What the page and the server exchange outside the event stream: the snapshot the page starts
// from, and the order it places. The page imports types only from here, so zod stays out of the
// bundle's share of this file.
import { z } from 'zod';
import { MAX_ORDER_QTY } from './limits.js';

/** One symbol as the snapshot gives it: what the table shows before the first tick arrives. */
export interface SymbolSnapshot {
  symbol: string;
  name: string;
  open: number;
  price: number;
  change: number;
  /** The last price event's `seq` for this symbol: the page checks the next one for gaps. */
  seq: number;
  /** When that price event was published (ISO 8601). */
  at: string;
  /** Recent prices, oldest first, for the sparkline. */
  history: number[];
}

/** A trade as the snapshot gives it (JSON: `at` is an ISO string). */
export interface TradeSnapshot {
  id: string;
  symbol: string;
  side: 'buy' | 'sell';
  qty: number;
  price: number;
  at: string;
  orderId?: string | undefined;
}

/** `GET /api/snapshot`: the market now, and the event id it corresponds to. */
export interface Snapshot {
  /** Open the event stream from here: events after the snapshot follow with no gap. */
  lastEventId: string;
  symbols: SymbolSnapshot[];
  /** Newest first. */
  trades: TradeSnapshot[];
  /** The broker in use, shown in the page footer. */
  broker: 'memory' | 'redis';
}

export { MAX_ORDER_QTY };

/** An order from the dashboard's form. */
export const orderInput = z.object({
  symbol: z.string().regex(/^[A-Z][A-Z0-9.]{0,7}$/),
  side: z.enum(['buy', 'sell']),
  qty: z.int().min(1).max(MAX_ORDER_QTY),
});

export type OrderInput = z.infer<typeof orderInput>;

/** What placing an order answers: follow its fills with the `orderFills` stream. */
export interface PlacedOrder {
  orderId: string;
}
