// Measures what one stream key sustains: plain pipelined XADD, and the broker's append script.
// Run: pnpm exec tsx packages/redis/test/measure/xadd-rate.ts [seconds=3]
import { Redis } from 'ioredis';
import { redisBroker } from '../../src/index.js';
import { startTestRedis } from '../utils.js';

const seconds = Number(process.argv[2] ?? 3);
// The DESIGN's `price` event: 63 bytes of JSON and a topic.
const data = JSON.stringify({ symbol: 'AAPL', price: 191.2, at: '2026-11-24T10:00:00.000Z' });

await using redis = await startTestRedis();
const raw = new Redis(redis.url);

async function measure(label: string, append: () => Promise<unknown>, inFlight: number) {
  let done = 0;
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (Date.now() < until) {
        await append();
        done++;
      }
    }),
  );
  process.stdout.write(
    `${label}: ${Math.round(done / seconds)} appends/s (${inFlight} in flight)\n`,
  );
}

await measure(
  'XADD MAXLEN ~ 10000 (ioredis, one connection)',
  () =>
    raw.xadd('plain', 'MAXLEN', '~', 10_000, '*', 'event', 'price', 'topic', 'AAPL', 'data', data),
  64,
);
const broker = redisBroker({ url: redis.url }, { key: 'broker', maxEvents: 10_000 });
const entry = { event: 'price', topic: 'AAPL', data };
await measure('broker.append (prev chain + producer dedupe)', () => broker.append(entry), 64);
const two = redisBroker({ url: redis.url }, { key: 'broker2', maxEvents: 10_000 });
await Promise.all([
  measure('broker.append, 2 producers on one key: A', () => two.append(entry), 64),
  measure('broker.append, 2 producers on one key: B', () => broker.append({ ...entry }), 64),
]);
const bytes = Number(await raw.memory('USAGE', 'broker', 'SAMPLES', 0));
const length = await raw.xlen('broker');
process.stdout.write(`bytes per event (MEMORY USAGE / XLEN): ${Math.round(bytes / length)}\n`);
const record = Number(await raw.memory('USAGE', `broker:producer:${broker.producerId}`));
process.stdout.write(`producer record: ${record} bytes\n`);
const info = await raw.info('server');
process.stdout.write(`${/redis_version:\S+/.exec(info)?.[0]}\n`);
await Promise.all([broker.close(), two.close()]);
raw.disconnect();
