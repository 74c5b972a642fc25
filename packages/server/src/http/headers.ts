// The response headers of every SSE stream, one constant for every adapter (and exported).

/**
 * Response headers of every stream. `no-transform` and `X-Accel-Buffering: no` keep proxies (nginx,
 * compression middleware) from buffering events; there is never a Content-Length.
 */
export const sseHeaders = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  'Cache-Control': 'no-cache, no-transform',
  'X-Accel-Buffering': 'no',
} as const;
