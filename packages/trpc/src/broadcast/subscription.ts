// The generator behind the broadcast procedure: replay from `lastEventId` through the server's
// ReplayCursor, then live events from the LiveQueue, each a `tracked` item; resets as items too.
import type { AnyContract, DecodeResult } from '@ssekit/core';
import { type Broker, type BrokerEvent, type EventPredicate, ReplayCursor } from '@ssekit/server';
import { TRPCError, type TrackedEnvelope, tracked } from '@trpc/server';
import { type BroadcastItem, TrpcControlEvent } from '../types.js';
import { isContractEvent } from './decode.js';
import { type BroadcastFilter, matchesFilter } from './input.js';
import { LiveQueue } from './live-queue.js';

/** What every broadcast subscription of one `createTrpcProcedures` call shares. */
export interface BroadcastContext {
  readonly contract: AnyContract;
  readonly broker: Broker;
  readonly decode: (event: BrokerEvent) => DecodeResult;
  readonly maxBufferedBytes: number | null;
  readonly onError: (error: unknown) => void;
}

type Item = TrackedEnvelope<BroadcastItem<AnyContract>>;

/**
 * One broadcast subscription: replay from `lastEventId` (or announce the log's position), then live
 * events with no gap and no duplicate. The replay and the skip of what it already held are the
 * server's `ReplayCursor`, the same one every SSE connection uses, so resets reach both alike.
 */
export async function* broadcastSubscription(
  ctx: BroadcastContext,
  options: {
    filter: BroadcastFilter;
    predicate: EventPredicate | undefined;
    lastEventId: string | undefined;
    signal: AbortSignal;
  },
): AsyncGenerator<Item, void> {
  const { broker, contract } = ctx;
  const { filter, predicate, signal } = options;
  const passes = (event: BrokerEvent) =>
    isContractEvent(contract, event) &&
    matchesFilter(filter, event.event, event.topic) &&
    (!predicate || predicate(event.event, event.topic) === true);
  const toItem = (event: BrokerEvent): Item | undefined => {
    const result = ctx.decode(event);
    switch (result.status) {
      case 'ok':
        return tracked(event.id, { event: event.event, data: result.value });
      case 'error':
        // Data in the log that this contract cannot read (a schema changed across a deploy): the
        // event is skipped and reported, the subscription stays up.
        ctx.onError(result.error);
        return undefined;
    }
  };
  const resetItem = (reset: { reason: string; lastId: string }): Item =>
    tracked(reset.lastId, { event: TrpcControlEvent.RESET, data: { reason: reset.reason } });

  const queue = new LiveQueue({ maxBufferedBytes: ctx.maxBufferedBytes, signal });
  // Until the cursor exists (the start is being read), live events are before the start or in the log.
  let cursor: ReplayCursor | undefined;
  const unsubscribe = broker.subscribe(
    (events) => {
      if (!cursor) return;
      try {
        for (const event of cursor.admit(events))
          if (passes(event)) queue.push({ type: 'event', event });
      } catch (error) {
        // A predicate that throws costs this subscription, never the broker's other listeners.
        queue.push({ type: 'failed', error });
      }
    },
    {
      onReset: (reset) => {
        if (cursor?.reset(reset)) queue.push({ type: 'reset', ...reset });
      },
    },
  );
  try {
    let from = options.lastEventId;
    if (from === undefined) {
      // A new subscription learns the log's newest id at once, so that a drop before its first
      // event resumes from here instead of losing what is published during the reconnect.
      from = await broker.lastId();
      yield tracked(from, { event: TrpcControlEvent.READY, data: {} });
    }
    const replay = new ReplayCursor({
      broker,
      from,
      maxCatchUpBytes: ctx.maxBufferedBytes === null ? undefined : ctx.maxBufferedBytes / 2,
    });
    cursor = replay;
    // tRPC pulls at the socket's pace: each page is read only once the one before was taken.
    while (!replay.live) {
      const step = await replay.read();
      switch (step.type) {
        case 'reset':
          yield resetItem(step);
          break;
        case 'events':
          for (const event of step.events) {
            if (!passes(event)) continue;
            const item = toItem(event);
            if (item) yield item;
          }
          break;
      }
    }

    for (;;) {
      const taken = await queue.take();
      switch (taken.type) {
        case 'aborted':
          return;
        case 'overflow':
          // A retryable code: tRPC's link reconnects with the last id and replays from the log.
          throw new TRPCError({
            code: 'SERVICE_UNAVAILABLE',
            message: 'The subscriber fell too far behind: reconnect to resume',
          });
        case 'items':
          for (const live of taken.items) {
            switch (live.type) {
              case 'event': {
                const item = toItem(live.event);
                if (item) yield item;
                break;
              }
              case 'reset':
                yield resetItem(live);
                break;
              case 'failed':
                throw live.error;
            }
          }
          break;
      }
    }
  } finally {
    unsubscribe();
    queue.close();
  }
}
