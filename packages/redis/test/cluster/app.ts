/**
 * One process of the cluster tests, forked by `processes.ts` from an esbuild bundle: a server
 * (express + createSseServer on the Redis broker) or a publisher-only worker (createRedisPublisher).
 * It takes its `AppConfig` as JSON in argv[2], answers `AppCommand`s over IPC, and exits when the
 * IPC channel closes, so that no process outlives its test.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSseServer, type SseServer } from '@ssekit/server';
import { createRedisPublisher, RedisBrokerError, redisBroker } from '../../src/index.js';
import { contract, type Tick } from './contract.js';
import type { AppCommand, AppConfig, AppReply, Outcome } from './protocol.js';

/** The part of express that the app uses. */
type Express = () => ((req: IncomingMessage, res: ServerResponse) => void) & {
  use(path: string, handler: SseServer<typeof contract>['router']): void;
};

const config = JSON.parse(process.argv[2]!) as AppConfig;
// Reconnect every 100 ms: the restart tests should not wait out ioredis's growing delays.
const redisOptions = { retryStrategy: () => 100 };
const brokerOptions = {
  key: config.key,
  maxEvents: 100_000,
  blockMs: config.blockMs,
  commandTimeoutMs: config.commandTimeoutMs,
  // Connection errors are expected while Redis restarts; the tests judge what clients received.
  onError: () => {},
};

function send(reply: AppReply): void {
  process.send?.(reply);
}

interface App {
  readonly port: number | undefined;
  publish(tick: Tick): Promise<string>;
  stats(): { connections: number; resets: number; replayed: number };
}

async function startServer(): Promise<App> {
  const express = createRequire(config.expressFrom)('express') as Express;
  const broker = redisBroker({ url: config.redisUrl, redisOptions }, brokerOptions);
  const sse = createSseServer(contract, { broker, retryMs: 200, heartbeatMs: 2_000 });
  const app = express();
  app.use('/sse', sse.router);
  const server = createServer(app);
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    publish: async (tick) => sse.publish('tick', tick),
    stats: () => sse.stats(),
  };
}

function startPublisher(): App {
  const publisher = createRedisPublisher(contract, {
    url: config.redisUrl,
    redisOptions,
    ...brokerOptions,
  });
  return {
    port: undefined,
    publish: (tick) => publisher.publish('tick', tick),
    stats: () => ({ connections: 0, resets: 0, replayed: 0 }),
  };
}

/** Publish `count` events, `perTick` at a time, and answer with the outcome of each once all settled. */
async function publish(app: App, command: Extract<AppCommand, { type: 'publish' }>) {
  const outcomes: Promise<Outcome>[] = [];
  for (let n = 0; n < command.count; n++) {
    outcomes.push(
      app.publish({ src: command.src, n }).then(
        (id) => ({ n, id }),
        (error: unknown) => ({
          n,
          code: error instanceof RedisBrokerError ? error.code : String(error),
        }),
      ),
    );
    if ((n + 1) % command.perTick === 0) {
      await (command.everyMs > 0 ? sleep(command.everyMs) : new Promise(setImmediate));
    }
  }
  send({ type: 'published', seq: command.seq, outcomes: await Promise.all(outcomes) });
}

async function main(): Promise<void> {
  const app = config.role === 'server' ? await startServer() : startPublisher();
  process.on('message', (command: AppCommand) => {
    switch (command.type) {
      case 'publish':
        publish(app, command).catch((error: unknown) =>
          send({ type: 'error', seq: command.seq, message: String(error) }),
        );
        break;
      case 'stats':
        send({ type: 'stats', seq: command.seq, ...app.stats() });
        break;
    }
  });
  send({ type: 'ready', port: app.port });
}

// The test went away: so does this process.
process.on('disconnect', () => process.exit(0));
main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
