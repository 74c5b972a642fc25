// @ssekit/react: React 19 hooks over one @ssekit/client, all sharing the client's one connection.
export { type UseEventsOptions, useEvent, useEvents, useSubscribe } from './hooks/broadcast.js';
export { type StreamState, useConnectionStatus, useStream } from './hooks/stream.js';
