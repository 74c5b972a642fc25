// @ssekit/client's public API: `createClient` and its types, `FetchEventSource` and its events and
// options, the platform `EventSource`, `shareAcrossTabs`, and the structural types the transport
// works on. defineContract is re-exported so that an app that writes its contract for the client
// alone needs @ssekit/client and zod only (pnpm strict has no @ssekit/core otherwise).
export { defineContract } from '@ssekit/core';
export { SseConnectionError } from './connect/connection-error.js';
export { createClient } from './create-client.js';
export { shareAcrossTabs } from './share/tab-share.js';
export { isSseErrorEvent, type SseErrorEvent, type SseMessageEvent } from './transport/events.js';
export { FetchEventSource, type FetchEventSourceEventMap } from './transport/fetch-event-source.js';
export type { FetchEventSourceInit, HeadersValue } from './transport/options.js';
export { getPlatformEventSource } from './transport/platform.js';
export type {
  EventLike,
  EventSourceConstructorLike,
  EventSourceInitLike,
  EventSourceLike,
  EventSourceListener,
  FetchLike,
  FetchLikeInit,
  FetchLikeResponse,
  MessageEventLike,
  ReaderLike,
} from './transport/types.js';
export type {
  ClientOptions,
  ClientStatus,
  ResetInfo,
  SseClient,
  StreamHandle,
  StreamOptions,
  SubscribeOptions,
  TabShareLike,
  TabSharing,
} from './types.js';
