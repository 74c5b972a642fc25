// The broadcast procedure's input: its zod schema (names, topics, `lastEventId`) within the SSE
// endpoint's query bounds, and the server's filter and `authorize` topic pairs made from it.
import {
  type AnyContract,
  type EventName,
  MAX_FILTER_ENTRIES,
  MAX_RESUME_ID_LENGTH,
  MAX_TOPIC_LENGTH,
} from '@ssekit/core';
import {
  createFilter as createSubscriptionFilter,
  matchesFilter,
  type SubscriptionFilter,
} from '@ssekit/server';
import { z } from 'zod';
import type { BroadcastInput } from '../types.js';

// The same bounds as the SSE endpoint's query (core's wire limits): a subscription input is not a
// place to exhaust a server's memory.
const MAX_EVENTS = MAX_FILTER_ENTRIES;
const MAX_TOPICS = MAX_FILTER_ENTRIES;

/** Which broadcast events one subscription receives: the SSE endpoint's filter, shared. */
export type BroadcastFilter = SubscriptionFilter;

/**
 * The zod schema of the broadcast procedure's input, built from the contract's event names. It
 * keeps `lastEventId`, which tRPC adds to the input of a subscription that resumes.
 */
export function broadcastInputSchema<TContract extends AnyContract>(
  contract: TContract,
): z.ZodType<BroadcastInput<TContract> | undefined, BroadcastInput<TContract> | undefined> {
  const names = Object.keys(contract.events);
  // z.enum needs at least one value: a contract without events accepts no names at all.
  const name = names.length > 0 ? z.enum(names as [string, ...string[]]) : z.never();
  const topic = z.string().min(1).max(MAX_TOPIC_LENGTH);
  const schema = z
    .object({
      events: z.array(name).max(MAX_EVENTS).optional(),
      topics: z
        .partialRecord(name, z.array(topic).max(MAX_TOPICS))
        .refine((topics) => Object.values(topics).flat().length <= MAX_TOPICS, {
          message: `At most ${MAX_TOPICS} topics`,
        })
        .optional(),
      lastEventId: z.string().max(MAX_RESUME_ID_LENGTH).nullish(),
    })
    .optional();
  return schema as unknown as z.ZodType<
    BroadcastInput<TContract> | undefined,
    BroadcastInput<TContract> | undefined
  >;
}

/** Turn a parsed input into a filter: the same filter, and so the same rule, as the SSE endpoint's. */
export function createFilter<TContract extends AnyContract>(
  input: BroadcastInput<TContract> | undefined,
): BroadcastFilter {
  const pairs: [string, string][] = [];
  for (const [event, list] of Object.entries(input?.topics ?? {})) {
    for (const topic of (list ?? []) as readonly string[]) pairs.push([event, topic]);
  }
  return createSubscriptionFilter(input?.events, pairs);
}

export { matchesFilter };

/** Every `[event, topic]` narrowing of an input, in the shape `authorize` receives. */
export function topicPairs<TContract extends AnyContract>(
  input: BroadcastInput<TContract> | undefined,
): [EventName<TContract>, string][] {
  const pairs: [EventName<TContract>, string][] = [];
  for (const [event, list] of Object.entries(input?.topics ?? {})) {
    for (const topic of (list ?? []) as readonly string[])
      pairs.push([event as EventName<TContract>, topic]);
  }
  return pairs;
}
