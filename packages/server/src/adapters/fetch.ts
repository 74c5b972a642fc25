// The Fetch API adapter: `Request` in, `Response` out, for Hono, Next.js route handlers, Bun and Deno.
// It turns the request into an `IncomingRequest`, asks the routes for the answer, and builds the
// response; a stream's body is a `ReadableStream` sink (./fetch-sink.ts).
import { SseError, SseErrorCode } from '@ssekit/core';
import type { RouteContext } from '../http/context.js';
import { refuse } from '../http/context.js';
import { sseHeaders } from '../http/headers.js';
import { type IncomingBody, type IncomingRequest, jsonContentType } from '../http/incoming.js';
import type { Answer } from '../http/respond.js';
import { answerRequest } from '../http/routes.js';
import type { FetchHandlerOptions } from '../types.js';
import { createFetchSink } from './fetch-sink.js';

/**
 * The Fetch API handler: `(request, info?) => Promise<Response>`. `info` is whatever the runtime
 * passes second (Deno's `ServeHandlerInfo`, Bun's `Server`, Hono's `c.env`): only read for the
 * client's address.
 */
export type FetchHandler = (request: Request, info?: unknown) => Promise<Response>;

/** The address the runtimes put beside a request, when they do. */
function runtimeAddress(request: Request, info: unknown): string | undefined {
  if (typeof info !== 'object' || info === null) return undefined;
  const deno = (info as { remoteAddr?: { hostname?: unknown } }).remoteAddr?.hostname;
  if (typeof deno === 'string') return deno;
  const bun = info as { requestIP?: (request: Request) => { address?: unknown } | null };
  if (typeof bun.requestIP === 'function') {
    const address = bun.requestIP(request)?.address;
    if (typeof address === 'string') return address;
  }
  const node = (info as { incoming?: { socket?: { remoteAddress?: unknown } } }).incoming?.socket
    ?.remoteAddress;
  return typeof node === 'string' ? node : undefined;
}

async function readFetchBody(request: Request, maxBytes: number): Promise<IncomingBody> {
  const json = jsonContentType(request.headers.get('content-type'));
  if (json === undefined || request.body === null) return { type: 'none' };
  const encoding = request.headers.get('content-encoding');
  if (json === false || (encoding !== null && encoding.toLowerCase() !== 'identity')) {
    return { type: 'unsupported' };
  }
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return { type: 'too-large' };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return { type: 'too-large' };
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return { type: 'bytes', bytes };
}

function toIncoming(
  request: Request,
  info: unknown,
  options: FetchHandlerOptions,
  basePath: string,
  path: string,
  url: URL,
): IncomingRequest<Request> {
  return {
    method: request.method.toUpperCase(),
    path,
    basePath,
    params: url.searchParams,
    lastEventId: request.headers.get('last-event-id') ?? undefined,
    clientAddress:
      options.clientAddress?.(request, info) ?? runtimeAddress(request, info) ?? 'unknown',
    native: request,
    readBody: (maxBytes) => readFetchBody(request, maxBytes),
    gone: () => request.signal?.aborted === true,
  };
}

function toResponse(answer: Answer, request: Request): Response {
  switch (answer.type) {
    case 'json':
      return new Response(request.method === 'HEAD' ? null : answer.body, {
        status: answer.status,
        headers: answer.headers,
      });
    case 'head':
      return new Response(null, { status: 200, headers: sseHeaders });
    case 'stream': {
      const { sink, body } = createFetchSink(request.signal);
      answer.open(sink);
      return new Response(body, { status: 200, headers: sseHeaders });
    }
    case 'none':
      // Unreachable: `none` is answered before, with a counted 404.
      return new Response(null, { status: 404 });
  }
}

/** The Fetch adapter of one server: `sse.fetch`. */
export function createFetchHandler(ctx: RouteContext, options: FetchHandlerOptions): FetchHandler {
  const basePath = (options.basePath ?? '').replace(/\/+$/, '');
  return async (request, info) => {
    const url = new URL(request.url);
    const inside =
      url.pathname === basePath ||
      url.pathname.startsWith(`${basePath}/`) ||
      (basePath === '' && url.pathname === '');
    const path = inside ? url.pathname.slice(basePath.length) || '/' : undefined;
    const answer =
      path === undefined
        ? ({ type: 'none' } as const)
        : await answerRequest(ctx, toIncoming(request, info, options, basePath, path, url));
    // No `next` to pass to: the Fetch handler owns its base path, and answers the rest itself.
    return toResponse(answer.type === 'none' ? refuse(ctx, notFound()) : answer, request);
  };
}

function notFound(): SseError {
  return new SseError(SseErrorCode.BAD_REQUEST, 'No such endpoint', { status: 404 });
}
