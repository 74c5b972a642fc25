// The types a tRPC client sees: the items the procedures yield (events and the `ssekit.ready` and
// `ssekit.reset` control items), the inputs they take, and the `tracked` envelope around each item.
import type {
  AnyContract,
  AnyEvent,
  EventName,
  StreamEvent,
  StreamInput,
  StreamName,
} from '@ssekit/core';
import type { ResetReason, StreamContext } from '@ssekit/server';
import type { z } from 'zod';

/**
 * The control items of the broadcast procedure. They share the `ssekit.` prefix that the SSE wire
 * reserves for its own control events, so they can never collide with a contract's event names.
 */
export const TrpcControlEvent = {
  /**
   * First item of a subscription that starts without `lastEventId`. Its id is the log's newest id,
   * so that a subscription that drops before its first event still resumes with no gap.
   */
  READY: 'ssekit.ready',
  /**
   * The server cannot resume from the `lastEventId` the client sent (too old, another epoch,
   * malformed): events were lost, and the app must resynchronise. Live events follow.
   */
  RESET: 'ssekit.reset',
} as const;

/** `{ event: 'ssekit.ready', data: {} }`: see `TrpcControlEvent.READY`. */
export interface ReadyItem {
  readonly event: typeof TrpcControlEvent.READY;
  readonly data: Record<string, never>;
}

/** `{ event: 'ssekit.reset', data: { reason } }`: see `TrpcControlEvent.RESET`. */
export interface ResetItem {
  readonly event: typeof TrpcControlEvent.RESET;
  readonly data: { readonly reason: ResetReason };
}

/**
 * What the broadcast procedure yields, inside `tracked(id, item)`: one of the contract's events,
 * decoded (`Date` for `isoDate()`), or a control item. Switch on `event`.
 */
export type BroadcastItem<TContract extends AnyContract> =
  | AnyEvent<TContract>
  | ReadyItem
  | ResetItem;

/** What an RPC stream procedure yields, inside `tracked(id, item)`: one event of that stream, decoded. */
export type StreamItem<
  TContract extends AnyContract,
  TName extends StreamName<TContract>,
> = StreamEvent<TContract, TName>;

/**
 * The input of the broadcast procedure. Everything is optional: no `events` means every event of
 * the contract, and a `topics` entry narrows one event to those topics (as
 * `?events=…&topic=price:AAPL` does on the SSE endpoint).
 */
export interface BroadcastInput<TContract extends AnyContract> {
  /** The events to receive. @default every event of the contract */
  readonly events?: readonly EventName<TContract>[] | undefined;
  /** Per event, the topics it is narrowed to: `{ price: ['AAPL', 'MSFT'] }`. */
  readonly topics?: { readonly [TName in EventName<TContract>]?: readonly string[] } | undefined;
  /**
   * Where to resume. tRPC fills it in on reconnect from the last `tracked` id; set it yourself to
   * resume a subscription from a stored position.
   */
  readonly lastEventId?: string | null | undefined;
}

/**
 * What a tRPC client passes to an RPC stream procedure: the stream's input in its wire form
 * (`z.input`: an ISO string for `isoDate()`), decoded on the server with the stream's schema.
 */
export type StreamProcedureInput<
  TContract extends AnyContract,
  TName extends StreamName<TContract>,
> = z.input<TContract['streams'][TName]['input']>;

/** What an RPC stream procedure's resolver reads from its input. */
export interface ParsedStreamInput<
  TContract extends AnyContract,
  TName extends StreamName<TContract>,
> {
  /** The stream's input, decoded with its schema: what the handler receives. */
  readonly input: StreamInput<TContract, TName>;
  /** The id of the last event the client received, when tRPC resumes. */
  readonly lastEventId: string | undefined;
}

/** A tracked item as the tRPC client's `onData` receives it: `{ id, data }`. */
export interface TrackedItem<TData> {
  /** The event id: tRPC sends it back as `lastEventId` when it reconnects. */
  id: string;
  data: TData;
}

/** The express request, as `@ssekit/server` types it (this package does not import express). */
export type ExpressRequest = StreamContext<AnyContract, string>['req'];
