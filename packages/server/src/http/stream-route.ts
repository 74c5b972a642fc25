// `GET {base}/streams/:name?input=<JSON>` and `POST {base}/streams/:name`, for every adapter: read
// the input, authorize, check the name and the input, then run the handler on the adapter's sink.
import { SseError, SseErrorCode, toSseIssues } from '@ssekit/core';
import { z } from 'zod';
import { runStream } from '../streams/run.js';
import { authorizeRequest } from './access.js';
import { admitStream } from './admit.js';
import { type RouteContext, streamPreamble } from './context.js';
import type { IncomingRequest } from './incoming.js';
import { QUERY_LIMITS, readLastEventId } from './query.js';
import type { Answer } from './respond.js';

function notJson(cause?: unknown): SseError {
  return new SseError(SseErrorCode.INVALID_INPUT, 'Stream input is not valid JSON', { cause });
}

function tooLarge(): SseError {
  return new SseError(SseErrorCode.PAYLOAD_TOO_LARGE, 'Stream input is too large');
}

/** The input of a stream request: a JSON POST body, or `?input=<JSON>`; `undefined` when none. */
async function readInput(incoming: IncomingRequest, maxInputBytes: number): Promise<unknown> {
  if (incoming.method === 'POST') {
    const body = await incoming.readBody(maxInputBytes);
    switch (body.type) {
      case 'none':
        return undefined;
      case 'parsed':
        return body.value;
      case 'too-large':
        throw tooLarge();
      case 'unsupported':
        throw notJson();
      case 'bytes': {
        const text = new TextDecoder('utf-8', { fatal: false }).decode(body.bytes);
        if (text.trim() === '') return undefined;
        try {
          return JSON.parse(text);
        } catch (cause) {
          throw notJson(cause);
        }
      }
    }
  }
  const all = incoming.params.getAll('input');
  if (all.length > 1)
    throw new SseError(SseErrorCode.BAD_REQUEST, 'Query parameter "input" may appear only once');
  const raw = all[0];
  if (raw === undefined) return undefined;
  if (raw.length > Math.min(maxInputBytes, QUERY_LIMITS.maxInputLength)) throw tooLarge();
  try {
    return JSON.parse(raw);
  } catch (cause) {
    throw notJson(cause);
  }
}

/**
 * Plan an RPC stream: input errors first (4xx before any stream byte), then authorize, then the name
 * and the input checked with the stream's schema, then a stream whose `open` runs the handler with
 * the principal authorize granted.
 */
export function planStream(
  ctx: RouteContext,
  incoming: IncomingRequest,
  name: string,
): Promise<Answer> {
  return admitStream(ctx, incoming, {
    async read() {
      const raw = await readInput(incoming, ctx.maxInputBytes);
      const definition = Object.hasOwn(ctx.contract.streams, name)
        ? ctx.contract.streams[name]
        : undefined;
      const parsed = definition ? z.safeDecode(definition.input, raw as never) : undefined;
      return { parsed, lastEventId: readLastEventId(incoming.lastEventId, incoming.params) };
    },
    async authorize({ parsed, lastEventId }) {
      // Authorize before saying whether the name exists or the input fits: an anonymous caller
      // learns nothing about the contract.
      const access = await authorizeRequest(ctx.options, incoming.native, {
        type: 'stream',
        stream: name,
        input: parsed?.success ? parsed.data : undefined,
      });
      if (!parsed) {
        throw new SseError(
          SseErrorCode.UNKNOWN_STREAM,
          `Unknown stream ${JSON.stringify(name.slice(0, 100))}`,
        );
      }
      if (!parsed.success) {
        throw new SseError(SseErrorCode.INVALID_INPUT, `Invalid input for stream "${name}"`, {
          issues: toSseIssues(parsed.error.issues),
          event: name,
        });
      }
      return { input: parsed.data as unknown, lastEventId, access };
    },
    open({ input, lastEventId, access }, sink, release) {
      const controller = new AbortController();
      ctx.stats.streams += 1;
      const untrack = ctx.trackStream(controller, sink, access.principal);
      sink.onClose(() => {
        controller.abort();
        ctx.stats.streams -= 1;
        untrack();
        release();
      });
      sink.write(streamPreamble(ctx.retryMs));
      void runStream({
        contract: ctx.contract,
        name,
        handler: ctx.handlers[name]!,
        input,
        lastEventId,
        principal: access.principal,
        req: incoming.native,
        sink,
        signal: controller.signal,
        stats: ctx.stats,
        serverOptions: ctx.options,
        maxBufferedBytes: ctx.maxBufferedBytes,
        maxEventBytes: ctx.maxEventBytes,
      }).catch((error: unknown) => {
        ctx.options.onError?.(error, { type: 'stream', stream: name });
        sink.destroy();
      });
    },
  });
}
