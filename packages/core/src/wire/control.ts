// The control events (`ssekit.reset`, `ssekit.error`, `ssekit.end`): their names and their frames,
// built here only, so the SSE hub, RPC streams and anyone's tests write them the same way.
import type { SseErrorJson } from '../errors.js';
import { encodeEvent } from './encode.js';

/**
 * The control events the server sends and clients understand. Their names start with the reserved
 * prefix (`RESERVED_PREFIX`), which no contract may use.
 */
export const ControlEvent = {
  RESET: 'ssekit.reset',
  ERROR: 'ssekit.error',
  END: 'ssekit.end',
} as const;

/**
 * The `ssekit.reset` frame: the server cannot resume from the id the client sent, or lost events.
 * Its id is the log's position after which live events follow, so a client that drops right after
 * it resumes from there and gets one reset, not one per reconnect.
 */
export function encodeResetEvent(reset: {
  readonly lastId: string;
  readonly reason: string;
}): string {
  return encodeEvent({
    id: reset.lastId,
    event: ControlEvent.RESET,
    data: JSON.stringify({ reason: reset.reason }),
  });
}

/**
 * The `ssekit.error` frame that ends an RPC stream: `{ code, message, issues? }` from the error's JSON
 * form (whose `INTERNAL` message is generic), never a raw cause.
 */
export function encodeErrorEvent(error: Pick<SseErrorJson, 'code' | 'message' | 'issues'>): string {
  return encodeEvent({
    event: ControlEvent.ERROR,
    data: JSON.stringify({
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
    }),
  });
}

/** The `ssekit.end` frame: an RPC stream finished; the client does not reconnect. */
export function encodeEndEvent(): string {
  return encodeEvent({ event: ControlEvent.END, data: '{}' });
}
