// The access rule of every route: run `authorize`, and turn its result into a grant or a refusal. It
// fails closed: a result that makes no sense for the request refuses it, and says why in onError.
import { SseError, SseErrorCode } from '@ssekit/core';
import type { EventPredicate } from '../hub/connection.js';
import type { AuthorizeRequest, SseServerBaseOptions } from '../types.js';

/** What a request was granted. */
export interface Access {
  readonly predicate: EventPredicate | undefined;
  readonly principal: unknown;
}

const OPEN: Access = { predicate: undefined, principal: undefined };

function refused(message: string): SseError {
  return new SseError(SseErrorCode.FORBIDDEN, message, { status: 403 });
}

/**
 * Turn what an `authorize` returned into the request's access, failing closed: `false` and any result
 * that does not fit the request refuse it (`misfit` is told why, for `onError`). The one rule for
 * every front end of a contract: the SSE routes and `@ssekit/trpc`.
 * @throws SseError `FORBIDDEN`
 */
export function toAccess(
  result: unknown,
  request: AuthorizeRequest,
  misfit: (error: SseError) => void,
): Access {
  if (result === undefined || result === true) return OPEN;
  if (result === false) throw refused('Not allowed');
  const refuse = (why: string): never => {
    misfit(new SseError(SseErrorCode.INTERNAL, `authorize ${why}: the request was refused`));
    throw refused('Not allowed');
  };
  if (typeof result === 'function') {
    if (request.type !== 'events') refuse(`returned a predicate for a ${request.type} request`);
    return { predicate: result as EventPredicate, principal: undefined };
  }
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) {
    const grant = result as { predicate?: unknown; principal?: unknown };
    if (grant.predicate !== undefined) {
      if (typeof grant.predicate !== 'function')
        refuse('returned a predicate that is not a function');
      if (request.type !== 'events') refuse(`returned a predicate for a ${request.type} request`);
    }
    return { predicate: grant.predicate as EventPredicate | undefined, principal: grant.principal };
  }
  return refuse(`returned ${typeof result}, which is neither a boolean, a predicate nor a grant`);
}

/**
 * Run the server's `authorize` for one request.
 * @throws SseError `FORBIDDEN` on `false` or on a result that does not fit the request; whatever
 * `authorize` throws (an `SseError` keeps its code; anything else becomes `INTERNAL`).
 */
export async function authorizeRequest(
  options: SseServerBaseOptions<any>,
  req: unknown,
  request: AuthorizeRequest,
): Promise<Access> {
  if (!options.authorize) return OPEN;
  const result: unknown = await options.authorize(req, request);
  return toAccess(result, request, (error) => options.onError?.(error, { type: 'authorize' }));
}
