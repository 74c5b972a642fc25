// `pnpm demo [--redis redis://127.0.0.1:6379]`: the live market dashboard. PORT (default 3000) and
// HOST (default 127.0.0.1) choose where it listens.
import { parseArgs } from 'node:util';
import type { Broker } from '@ssekit/server';
import { startDemoServer } from './app.js';

const usage = 'usage: pnpm demo [--redis redis://host:port] [--port 3000] [--host 127.0.0.1]';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      redis: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`Invalid port: ${port}`);
  const host = values.host ?? process.env.HOST ?? '127.0.0.1';

  let broker: Broker | undefined;
  if (values.redis) {
    const { redisBroker } = await import('@ssekit/redis');
    broker = redisBroker(
      { url: values.redis },
      { onError: (error) => console.error(`redis: ${String(error)}`) },
    );
  }

  const server = await startDemoServer({
    port,
    host,
    broker,
    brokerName: broker ? 'redis' : 'memory',
  });
  console.log(
    `ssekit demo: ${server.url} (${broker ? `Redis broker at ${values.redis}` : 'in-memory broker'})`,
  );

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(1); // a second Ctrl-C does not wait
    console.log(`ssekit demo: ${signal}, closing streams`);
    server.close({ graceMs: 1_000 }).then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error) => {
  console.error(`ssekit demo: ${error instanceof Error ? error.message : String(error)}`);
  console.error(usage);
  process.exit(1);
});
