// Why a native EventSource failed: it never says, so one plain request asks the server again.
// Used by the broadcast connection when a platform EventSource closes before it ever opened.
import type { SseError } from '@ssekit/core';
import { cancelBody, checkResponse, errorFromBody, readErrorBody } from '../transport/response.js';
import type { FetchLike } from '../transport/types.js';

/** How long the probe may take, body included, before it gives up and reports nothing. */
const PROBE_TIMEOUT_MS = 5_000;

/** A refusal the probe saw: the server's status and the error its JSON body describes. */
export interface Refusal {
  readonly status: number;
  readonly error: SseError;
}

/**
 * Request `url` once with `fetch` and tell a refused answer (404, 401, a JSON error body) from a
 * network failure. Resolves `undefined` when the server answers with a stream (the failure was
 * transient) or cannot be reached; a stream answer is aborted at once.
 */
export async function probeRefusal(
  fetchFn: FetchLike | undefined,
  url: string,
  withCredentials: boolean,
): Promise<Refusal | undefined> {
  if (typeof fetchFn !== 'function') return undefined;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), PROBE_TIMEOUT_MS);
  try {
    const response = await fetchFn(url, {
      method: 'GET',
      headers: { accept: 'text/event-stream' },
      signal: controller.signal,
      credentials: withCredentials ? 'include' : 'same-origin',
      cache: 'no-store',
      mode: 'cors',
      redirect: 'follow',
    });
    const verdict = checkResponse(response);
    if (verdict.type === 'stream') return undefined;
    if (!verdict.readBody) {
      cancelBody(response);
      return { status: verdict.status, error: verdict.error };
    }
    const body = await readErrorBody(response);
    return { status: verdict.status, error: errorFromBody(verdict.error, verdict.status, body) };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}
