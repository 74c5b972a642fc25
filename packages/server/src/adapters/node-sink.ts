// The sink of a Node `ServerResponse` (express, plain node:http, and http2's compatibility API): its
// `writableLength` is what is unsent, `drain` and `close` tell progress and the end.
import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import { bodyWriter } from '../http/body-writer.js';
import { sseHeaders } from '../http/headers.js';
import type { SseSink } from '../hub/sink.js';

/** A Node response, HTTP/1.1 or the HTTP/2 compatibility one. */
export type NodeResponse = ServerResponse | Http2ServerResponse;

/** Errors of a response are handled by its `close`; this listener only keeps them from throwing. */
function ignore(): void {}

/**
 * Start a stream on a Node response (status 200, `sseHeaders`, flushed at once) and wrap it as a sink.
 */
export function startNodeSink(res: NodeResponse): SseSink {
  const response = res as ServerResponse;
  // HTTP/2's compatibility response keeps `destroyed` and `closed` on its stream.
  const state: { readonly destroyed: boolean; readonly closed: boolean } =
    'stream' in res ? res.stream : response;
  response.writeHead(200, sseHeaders);
  response.flushHeaders();
  const socket = response.socket;
  // On HTTP/2 the socket is the session's, shared by every stream: it is not this stream's to tune.
  if (socket && !('stream' in res)) {
    socket.setNoDelay(true);
    // TCP keepalive finds peers that vanished without a FIN (a laptop lid, a dropped NAT entry) even
    // when heartbeats still fit in the socket buffer.
    socket.setKeepAlive(true, 30_000);
  }
  response.on('error', ignore);
  // The head is out: the writer can tell whether the body may go straight on the socket.
  const body = bodyWriter(response);
  return {
    get bufferedBytes() {
      return body.bufferedBytes;
    },
    holdsMoreThan(limit) {
      return body.holdsMoreThan(limit);
    },
    get writable() {
      return !state.destroyed && !response.writableEnded;
    },
    get closed() {
      return state.destroyed || state.closed;
    },
    write(chunk) {
      if (!state.destroyed && !response.writableEnded) body.write(chunk);
    },
    drained(highWaterBytes) {
      if (state.destroyed) return Promise.resolve();
      return body.drained(highWaterBytes);
    },
    end() {
      response.end();
    },
    destroy() {
      response.destroy();
    },
    onClose(listener) {
      if (state.closed) listener();
      else response.once('close', listener);
    },
  };
}
