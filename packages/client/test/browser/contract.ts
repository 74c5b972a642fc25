import { defineContract, isoDate } from '@ssekit/core';
import { z } from 'zod';

/** The contract that the browser page and the test server share: Date fields through `isoDate()`. */
export const contract = defineContract({
  events: {
    tick: z.object({ seq: z.int(), at: isoDate(), note: z.string() }),
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
  },
});

/** The Date that tick `seq` carries: distinct per event, so that a mixed-up decode shows. */
export function tickDate(seq: number): Date {
  return new Date(Date.UTC(2026, 10, 24, 10, 0, 0, seq));
}

/** A contract one release ahead of the server's: `news` is not served yet. */
export const newerContract = defineContract({
  events: { ...contract.events, news: z.object({ title: z.string() }) },
});
