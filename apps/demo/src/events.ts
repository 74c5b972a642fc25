// The dashboard's contract: the one place where its event schemas live. The server publishes and
// streams against it; `ssekit generate` turns it into the page's client module
// (`src/web/client.generated.ts`) and `openapi.json`.
import { defineContract, isoDate } from '@ssekit/core';
import { z } from 'zod';

const symbol = z
  .string()
  .regex(/^[A-Z][A-Z0-9.]{0,7}$/)
  .describe('Ticker, upper case');

const side = z.enum(['buy', 'sell']).describe('Which side of the book');

export const contract = defineContract({
  events: {
    price: z
      .object({
        symbol,
        price: z.number().positive().describe('Last price'),
        change: z.number().describe('Change since the open, as a fraction (0.01 is +1%)'),
        seq: z
          .int()
          .positive()
          .describe('Grows by one per tick of this symbol: a jump of more than one is a gap'),
        at: isoDate().describe('When the price was set'),
      })
      .describe('A price tick, published with the symbol as its topic'),
    trade: z
      .object({
        id: z.string().min(1),
        symbol,
        side,
        qty: z.int().positive(),
        price: z.number().positive(),
        at: isoDate(),
        orderId: z
          .string()
          .optional()
          .describe('Set when the trade fills an order placed from the dashboard'),
      })
      .describe('A trade, published with the symbol as its topic'),
    alert: z
      .object({
        id: z.string().min(1),
        symbol,
        move: z.number().describe('The move that raised the alert, as a fraction'),
        from: z.number().positive(),
        to: z.number().positive(),
        at: isoDate(),
      })
      .describe('A price moved more than the alert threshold since the last alert on its symbol'),
  },
  streams: {
    orderFills: {
      description: "An order's fills as they happen, then its summary.",
      input: z.object({ orderId: z.string().min(1) }),
      events: {
        fill: z.object({
          tradeId: z.string(),
          qty: z.int().positive().describe('Quantity of this fill'),
          price: z.number().positive(),
          filledQty: z.int().nonnegative().describe('Quantity filled so far'),
          totalQty: z.int().positive().describe("The order's quantity"),
        }),
        done: z.object({
          filledQty: z.int().nonnegative(),
          avgPrice: z.number().positive(),
        }),
      },
    },
  },
});

/** The contract's type. */
export type MarketContract = typeof contract;
