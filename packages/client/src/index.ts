// @ssekit/client's public API: `createClient` and its types, `FetchEventSource` and its events and
// options, the platform `EventSource`, and the structural types the transport works on.

// The generated client module imports defineContract from here, so that @ssekit/client and zod are
// all a user installs (pnpm strict has no @ssekit/core unless it is a direct dependency).
export { defineContract } from '@ssekit/core';
export { SseConnectionError } from './connect/connection-error.js';
export { createClient } from './create-client.js';
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
} from './types.js';
