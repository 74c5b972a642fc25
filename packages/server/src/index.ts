// @ssekit/server's public API: `createSseServer` and its options, the broker interface and the
// memory broker, and what @ssekit/redis and @ssekit/trpc build on (the cursor, the yields, access).

// Re-exported from @ssekit/openapi, the one builder, for those who already import it from here.
export {
  createOpenApiDocument,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
  type OpenApiVersion,
} from '@ssekit/openapi';
export type { NodeHandler, NodeRequest } from './adapters/express.js';
export type { FetchHandler } from './adapters/fetch.js';
export type { NodeResponse } from './adapters/node-sink.js';
export { MemoryBroker, type MemoryBrokerOptions, memoryBroker } from './broker/memory.js';
export type {
  Broker,
  BrokerEntry,
  BrokerEvent,
  BrokerSubscribeOptions,
  ReadResult,
  ReadSinceOptions,
  ResetReason,
} from './broker/types.js';
export { type Access, toAccess } from './http/access.js';
export { type HardenServerOptions, hardenServer } from './http/harden.js';
export { sseHeaders } from './http/headers.js';
export type { EventPredicate } from './hub/connection.js';
export { createFilter, matchesFilter, type SubscriptionFilter } from './hub/filter.js';
export type { SseServerStats } from './hub/stats.js';
export {
  type CursorStep,
  ReplayCursor,
  type ReplayCursorOptions,
} from './resume/cursor.js';
export {
  type CloseOptions,
  createSseServer,
  type PublishOptions,
  type SseServer,
} from './server.js';
export {
  type EncodedYield,
  type EncodedYieldsOptions,
  encodedYields,
  encodeStreamYield,
} from './streams/encode-yield.js';
export type {
  AuthorizeGrant,
  AuthorizeRequest,
  AuthorizeResult,
  ErrorContext,
  FetchHandlerOptions,
  RouterRequest,
  SseServerBaseOptions,
  SseServerOptions,
  StreamContext,
  StreamHandler,
  StreamHandlerContext,
  StreamHandlers,
  StreamYield,
} from './types.js';
