import type { AnyContract, DecodeResult } from '@ssekit/core';
import type { Broker, BrokerEvent, EventPredicate, ReadResult } from '@ssekit/server';
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
 * events with no gap and no duplicate. It subscribes to the broker before it reads the log, so an
 * event published during the read is either in the replay or in the queue, and the queue drops
 * what the replay already held (`broker.compare`), as the SSE hub does.
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
    (!predicate || predicate(event.event, event.topic));
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

  const queue = new LiveQueue({ maxBufferedBytes: ctx.maxBufferedBytes, signal });
  const unsubscribe = broker.subscribe((events) => {
    for (const event of events) if (passes(event)) queue.push(event);
  });
  try {
    let resumeFrom = options.lastEventId;
    if (resumeFrom === undefined) {
      // A new subscription learns the log's newest id at once, so that a drop before its first
      // event resumes from here instead of losing what is published during the reconnect.
      resumeFrom = await broker.lastId();
      yield tracked(resumeFrom, { event: TrpcControlEvent.READY, data: {} });
    }
    // Live events at or before this id were replayed (or reached the client before).
    let skipUntil: string | undefined = resumeFrom;
    const result: ReadResult = await broker.readSince(resumeFrom);
    switch (result.type) {
      case 'events':
        for (const event of result.events) {
          skipUntil = event.id;
          if (!passes(event)) continue;
          const item = toItem(event);
          if (item) yield item;
        }
        break;
      case 'reset':
        skipUntil = result.lastId;
        yield tracked(result.lastId, {
          event: TrpcControlEvent.RESET,
          data: { reason: result.reason },
        });
        break;
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
        case 'events':
          for (const event of taken.events) {
            if (skipUntil !== undefined) {
              if ((broker.compare(event.id, skipUntil) ?? 1) <= 0) continue;
              // The log is ordered: once one live event is newer, every later one is.
              skipUntil = undefined;
            }
            const item = toItem(event);
            if (item) yield item;
          }
          break;
      }
    }
  } finally {
    unsubscribe();
    queue.close();
  }
}
