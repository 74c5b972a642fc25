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
  // Whether writes still go out, kept here rather than read from the response on every write: the
  // fan-out writes every connection every tick, and under express each read of the response's state
  // walks a prototype chain V8 cannot cache (see body-writer.ts), about a microsecond a write with
  // the cache misses of 1 000 connections. It turns false before any byte could follow the body's
  // end: on `end` and `destroy` here, on an `end` from elsewhere ('prefinish' comes from inside
  // `res.end`, before it returns, whenever the body went out on the socket), and on 'close'.
  let open = !state.destroyed && !response.writableEnded;
  const shut = (): void => {
    open = false;
  };
  response.once('prefinish', shut);
  response.once('close', shut);
  return {
    get bufferedBytes() {
      return body.bufferedBytes;
    },
    holdsMoreThan(limit) {
      return body.holdsMoreThan(limit);
    },
    get writable() {
      return open && !state.destroyed && !response.writableEnded;
    },
    get closed() {
      return state.destroyed || state.closed;
    },
    write(chunk) {
      return open && body.write(chunk);
    },
    drained(highWaterBytes) {
      if (state.destroyed) return Promise.resolve();
      return body.drained(highWaterBytes);
    },
    end() {
      open = false;
      response.end();
    },
    destroy() {
      open = false;
      response.destroy();
    },
    onClose(listener) {
      if (state.closed) listener();
      else response.once('close', listener);
    },
  };
}
