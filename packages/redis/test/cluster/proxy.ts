import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A round-robin TCP proxy in front of several backends, as a load balancer would be. */
export interface TcpProxy extends AsyncDisposable {
  readonly port: number;
  readonly url: string;
}

/**
 * Listen on 127.0.0.1 and pipe each connection to the next backend in turn. A backend that refuses
 * the connection (a process that died) is skipped for the next one, so a client's reconnect lands on
 * a live process; when a backend's socket closes, the client's is closed with it.
 */
export async function startTcpProxy(backends: readonly number[]): Promise<TcpProxy> {
  let next = 0;
  const sockets = new Set<Socket>();

  const connect = (client: Socket, attempt: number): void => {
    if (attempt >= backends.length) {
      client.destroy();
      return;
    }
    const port = backends[next++ % backends.length]!;
    const upstream = createConnection({ port, host: '127.0.0.1' });
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('error', () => {});
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      upstream.pipe(client);
      client.pipe(upstream);
      upstream.once('close', () => client.destroy());
      client.once('close', () => upstream.destroy());
    });
    // Refused before connecting: this backend is down, try the next one.
    upstream.once('close', () => {
      if (!connected && !client.destroyed) connect(client, attempt + 1);
    });
  };

  const server: Server = createServer((client) => {
    sockets.add(client);
    client.once('close', () => sockets.delete(client));
    client.once('error', () => {});
    client.pause();
    connect(client, 0);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async [Symbol.asyncDispose]() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
