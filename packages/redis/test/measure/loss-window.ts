// Measures what a Redis crash (SIGKILL) loses of the acknowledged appends, per persistence setting.
// Run: pnpm exec tsx packages/redis/test/measure/loss-window.ts [runs=5]
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { redisBroker } from '../../src/index.js';
import { startTestRedis } from '../utils.js';

const runs = Number(process.argv[2] ?? 5);
const modes = [null, 'always', 'everysec', 'no'] as const;

for (const appendfsync of modes) {
  const lost: number[] = [];
  const acked: number[] = [];
  let windowMs = 0;
  for (let run = 0; run < runs; run++) {
    await using redis = await startTestRedis({ appendfsync });
    const broker = redisBroker(
      { url: redis.url, redisOptions: { retryStrategy: () => 50 } },
      { key: 'loss', commandTimeoutMs: 1_000 },
    );
    const acks: { id: string; at: number }[] = [];
    let stop = false;
    const publishing = (async () => {
      const pending: Promise<unknown>[] = [];
      for (let n = 0; !stop; n++) {
        pending.push(
          broker.append({ event: 'tick', topic: undefined, data: JSON.stringify({ n }) }).then(
            (id) => acks.push({ id, at: Date.now() }),
            () => {},
          ),
        );
        if (n % 5 === 4) await sleep(1);
      }
      await Promise.all(pending);
    })();
    await sleep(500);
    const ackedBeforeKill = [...acks];
    const killedAt = Date.now();
    await redis.kill();
    stop = true;
    await redis.start();
    await publishing;
    const raw = new Redis(redis.url);
    const stored = new Set((await raw.xrange('loss', '-', '+')).map(([id]) => id));
    raw.disconnect();
    const missing = ackedBeforeKill.filter((a) => !stored.has(a.id));
    lost.push(missing.length);
    acked.push(ackedBeforeKill.length);
    // How long before the kill the oldest lost acknowledgement came: the loss window of this run.
    for (const m of missing) windowMs = Math.max(windowMs, killedAt - m.at);
    await broker.close();
  }
  const label = appendfsync ? `appendonly yes, appendfsync ${appendfsync}` : 'appendonly no';
  process.stdout.write(
    `${label}: acknowledged before the kill ${acked.join('/')}, lost ${lost.join('/')}, oldest lost ack ${windowMs} ms before the kill (runs: ${runs})\n`,
  );
}
