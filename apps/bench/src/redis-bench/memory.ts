/**
 * Redis memory per retained event: `count` events appended through the broker to a fresh stream,
 * then `MEMORY USAGE <key> SAMPLES 0` (every node, not an estimate) divided by `XLEN`.
 */
import { redisBroker } from '@ssekit/redis';
import { redisCommand, startRedis } from './processes.js';

export interface MemoryFigure {
  readonly label: string;
  /** Bytes of the encoded JSON data of each event. */
  readonly dataBytes: number;
  readonly entries: number;
  readonly bytesPerEvent: number;
}

const PRICE = JSON.stringify({ symbol: 'AAPL', price: 191.2, at: '2026-11-24T10:00:00.000Z' });
const CASES = [
  { label: '`price` of the DESIGN, topic `AAPL`', data: PRICE, topic: 'AAPL' },
  { label: '`price`, no topic', data: PRICE, topic: undefined },
  {
    label: '1 KiB of JSON data, topic',
    data: JSON.stringify({ text: 'x'.repeat(1012) }),
    topic: 'AAPL',
  },
] as const;

export async function measureMemory(count: number): Promise<MemoryFigure[]> {
  const redis = await startRedis(false);
  const figures: MemoryFigure[] = [];
  try {
    for (const [i, c] of CASES.entries()) {
      const key = `memory:${i}`;
      const broker = redisBroker(
        { url: `redis://127.0.0.1:${redis.port}` },
        { key, maxEvents: count * 2 },
      );
      for (let sent = 0; sent < count; sent += 500) {
        const batch = Array.from({ length: Math.min(500, count - sent) }, () =>
          broker.append({ event: 'price', topic: c.topic, data: c.data }),
        );
        await Promise.all(batch);
      }
      await broker.close();
      const bytes = Number(
        (await redisCommand(redis.port, 'MEMORY', 'USAGE', key, 'SAMPLES', '0')).slice(1),
      );
      const entries = Number((await redisCommand(redis.port, 'XLEN', key)).slice(1));
      figures.push({
        label: c.label,
        dataBytes: Buffer.byteLength(c.data),
        entries,
        bytesPerEvent: bytes / entries,
      });
    }
  } finally {
    await redis.stop();
  }
  return figures;
}
