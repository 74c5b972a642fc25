// The admission every stream route shares, around the route's own checks: HEAD answered, a closing
// server refused, a connection slot taken between reading the request and authorizing it, and given
// back on any refusal, including a client that left while `authorize` awaited.
import type { SseSink } from '../hub/sink.js';
import { closingError, type RouteContext, refuse } from './context.js';
import type { IncomingRequest } from './incoming.js';
import type { Answer } from './respond.js';

/** The route's own steps, in the order `admitStream` runs them. */
export interface AdmitSteps<TRead, TAdmitted> {
  /** Read the request (query, input): a refusal here comes before a connection slot is taken. */
  read(): TRead | Promise<TRead>;
  /** Authorize, then check what the request names; runs holding a connection slot. */
  authorize(read: TRead): Promise<TAdmitted>;
  /** Start the stream on the adapter's sink; `release` gives the slot back once the stream ends. */
  open(admitted: TAdmitted, sink: SseSink, release: () => void): void;
}

/**
 * Plan a stream answer: a JSON error when the server is closing or a step refuses (the slot given
 * back), else a stream that `steps.open` starts on the sink.
 */
export async function admitStream<TRead, TAdmitted>(
  ctx: RouteContext,
  incoming: IncomingRequest,
  steps: AdmitSteps<TRead, TAdmitted>,
): Promise<Answer> {
  if (incoming.method === 'HEAD') return { type: 'head' };
  let release: (() => void) | undefined;
  let admitted: TAdmitted;
  try {
    if (ctx.isClosing()) throw closingError();
    const read = await steps.read();
    release = ctx.limits.acquire(incoming.clientAddress);
    admitted = await steps.authorize(read);
  } catch (error) {
    release?.();
    return refuse(ctx, error);
  }
  // The client may have left while authorize awaited.
  if (incoming.gone() || ctx.isClosing()) {
    release();
    return refuse(ctx, closingError());
  }
  const done = release;
  return { type: 'stream', open: (sink) => steps.open(admitted, sink, done) };
}
