// @ssekit/trpc's public API, for apps that serve an ssekit server to tRPC v11 clients as well:
// `createTrpcProcedures`, the types of the items and inputs its procedures carry, error helpers.
export { ssekitErrorData, toTrpcError } from './errors.js';
export {
  type AnyProcedureBuilder,
  type BroadcastProcedure,
  type ContextOf,
  createTrpcProcedures,
  type StreamProcedure,
  type TrpcErrorContext,
  type TrpcProcedures,
  type TrpcProceduresOptions,
} from './procedures.js';
export { NO_EVENT_ID } from './streams/input.js';
export {
  type BroadcastInput,
  type BroadcastItem,
  type ExpressRequest,
  type ParsedStreamInput,
  type ReadyItem,
  type ResetItem,
  type StreamItem,
  type StreamProcedureInput,
  type TrackedItem,
  TrpcControlEvent,
} from './types.js';
