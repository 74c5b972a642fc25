// The contract that the React test page and its server share: ticks and prices carry a sequence
// number, so the test can tell a lost or a duplicated event in what rendered.
import { defineContract } from '@ssekit/core';
import { z } from 'zod';

export const contract = defineContract({
  events: {
    tick: z.object({ seq: z.int() }),
    price: z.object({ symbol: z.string(), seq: z.int() }),
  },
  streams: {
    count: {
      input: z.object({ from: z.int(), to: z.int() }),
      events: { n: z.object({ n: z.int() }) },
    },
  },
});

/** A child component of the page: its id and the price topic it subscribes to. */
export interface ChildSpec {
  readonly id: string;
  readonly topic: string;
}

/** What the page records on `window.ssekitReact.state` for the test to read. */
export interface ReactPageState {
  status: string;
  statuses: string[];
  latestTick: number | null;
  /** Per child instance (ids are never reused): the price seqs that it rendered, last commit. */
  children: Record<string, { topic: string; seqs: number[] }>;
  /** Seqs that the useSubscribe callback received, across re-renders with a new callback each time. */
  subscribed: number[];
  stream: { ns: number[]; status: string; done: boolean; error: string | null };
  renders: number;
  pageErrors: string[];
}

export interface ReactPageWindow {
  ssekitReact: { state: ReactPageState; setChildren(children: ChildSpec[]): void };
}
