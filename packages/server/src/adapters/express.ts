// The express adapter: a middleware `(req, res, next)` over Node's request and response that turns
// them into an `IncomingRequest`, asks the routes for the answer, and writes it. It needs nothing of
// express itself, so it also serves from plain `node:http` and `node:http2` (with `allowHTTP1`).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import type { RouteContext } from '../http/context.js';
import { sseHeaders } from '../http/headers.js';
import { type IncomingBody, type IncomingRequest, jsonContentType } from '../http/incoming.js';
import type { Answer } from '../http/respond.js';
import { answerRequest } from '../http/routes.js';
import { type NodeResponse, startNodeSink } from './node-sink.js';

/** A Node request as express (or `node:http`, or `node:http2`'s compatibility API) hands it over. */
export type NodeRequest = (IncomingMessage | Http2ServerRequest) & {
  /** express: the client address, after `trust proxy`. */
  ip?: string | undefined;
  /** express: the mount path. */
  baseUrl?: string;
  /** A body parser of the app already ran (`express.json()`). */
  _body?: boolean;
  body?: unknown;
};

/** What the router is: an express middleware, callable from any Node server. */
export type NodeHandler = (
  req: NodeRequest,
  res: NodeResponse,
  next?: (error?: unknown) => void,
) => void;

function header(req: NodeRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readNodeBody(req: NodeRequest, maxBytes: number): Promise<IncomingBody> {
  // A body parser of the app (express.json()) read the stream already: take what it found.
  if (req._body === true) return { type: 'parsed', value: req.body };
  const json = jsonContentType(header(req, 'content-type'));
  if (json === undefined) return { type: 'none' };
  const encoding = header(req, 'content-encoding');
  if (json === false || (encoding !== undefined && encoding.toLowerCase() !== 'identity')) {
    return { type: 'unsupported' };
  }
  if (Number(header(req, 'content-length') ?? 0) > maxBytes) return { type: 'too-large' };
  // Events, not `for await`: the async iterator destroys the request at its end, and a destroyed
  // request reads as a client that left.
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const onData = (chunk: Uint8Array): void => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        finish();
        resolve({ type: 'too-large' });
      } else chunks.push(chunk);
    };
    const onEnd = (): void => {
      finish();
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.byteLength;
      }
      resolve({ type: 'bytes', bytes });
    };
    const onError = (error: unknown): void => {
      finish();
      reject(error);
    };
    const finish = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

/**
 * A stream lives for hours, and express's routing state for the request (the `next` closure chain,
 * the parsed URL, params, locals) would live with it: about 1.3 KiB per idle connection, measured
 * with apps/bench. None of it is used once the stream has started.
 */
function releaseRoutingState(req: NodeRequest, res: NodeResponse): void {
  const r = req as unknown as Record<string, unknown>;
  r.next = undefined;
  r._parsedUrl = undefined;
  r._parsedOriginalUrl = undefined;
  r.route = undefined;
  r.params = undefined;
  (res as unknown as Record<string, unknown>).locals = undefined;
}

function toIncoming(req: NodeRequest, res: NodeResponse): IncomingRequest<NodeRequest> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const socket = req.socket as { remoteAddress?: string } | undefined;
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    basePath: req.baseUrl ?? '',
    params: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    lastEventId: header(req, 'last-event-id'),
    clientAddress: req.ip ?? socket?.remoteAddress ?? 'unknown',
    native: req,
    readBody: (maxBytes) => readNodeBody(req, maxBytes),
    // A request that was read to its end is destroyed too (autoDestroy): only one destroyed before
    // its end, or a destroyed response, means the client left.
    gone: () =>
      ('stream' in res ? res.stream.destroyed : (res as ServerResponse).destroyed) ||
      (req.destroyed === true && !req.readableEnded),
  };
}

/** The express adapter of one server: `sse.router`. */
export function createNodeHandler(ctx: RouteContext): NodeHandler {
  return (req, res, next) => {
    const write = (answer: Answer): void => {
      const response = res as ServerResponse;
      switch (answer.type) {
        case 'none':
          if (next) next();
          else {
            response.statusCode = 404;
            response.end();
          }
          return;
        case 'json':
          if (response.headersSent || response.destroyed) return;
          response.writeHead(answer.status, answer.headers);
          response.end(req.method === 'HEAD' ? undefined : answer.body);
          return;
        case 'head':
          response.writeHead(200, sseHeaders);
          response.end();
          return;
        case 'stream':
          answer.open(startNodeSink(res));
          releaseRoutingState(req, res);
          return;
      }
    };
    answerRequest(ctx, toIncoming(req, res))
      .then(write)
      .catch((error: unknown) => {
        // Writing the answer failed (the socket went mid-way): nothing is left to tell the client.
        ctx.options.onError?.(error, { type: 'broker' });
        res.destroy();
      });
  };
}
