// Exactly once on the Redis broker (issue 14): the publisher shares the server's publish rule, and
// the randomized model runs against a real redis-server, whose tail hands events over in batches of
// its own choosing. (The stream is not trimmed here: a tail that falls behind a trimmed stream
// reports a gap, a legitimate reset that the model does not predict.)
import { defineContract, SseError } from '@ssekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runCases } from '../../server/test/model/harness.js';
import { createRedisPublisher, RedisBroker } from '../src/index.js';
import { startRedis } from './utils.js';

const contract = defineContract({
  events: { tick: z.object({ n: z.int(), pad: z.string().optional() }) },
});

describe('the Redis publisher', () => {
  it('refuses what sse.publish refuses: a topic with a line break, an event over maxEventBytes', async () => {
    await using redis = await startRedis();
    const publisher = createRedisPublisher(contract, {
      url: redis.url,
      key: 'publish-path',
      maxEventBytes: 1024,
    });
    try {
      const refused = async (run: () => Promise<string>) => {
        try {
          await run();
        } catch (error) {
          return error instanceof SseError ? error.code : String(error);
        }
        return 'accepted';
      };
      expect(await refused(() => publisher.publish('tick', { n: 1 }, { topic: 'a\nid: 6' }))).toBe(
        'INVALID_FIELD',
      );
      expect(
        await refused(() => publisher.publish('tick', { n: 1 }, { topic: 'x'.repeat(300) })),
      ).toBe('INVALID_FIELD');
      expect(await refused(() => publisher.publish('nope' as 'tick', { n: 1 }))).toBe(
        'UNKNOWN_EVENT',
      );
      expect(await refused(() => publisher.publish('tick', { n: 1, pad: 'x'.repeat(2000) }))).toBe(
        'EVENT_TOO_LARGE',
      );
      await publisher.publish('tick', { n: 2 }, { topic: 'ok' });
      expect(await publisher.broker.readSince('0-0')).toMatchObject({
        type: 'events',
        events: [{ event: 'tick', topic: 'ok', data: '{"n":2}' }],
      });
    } finally {
      await publisher.close();
    }
  });
});

const cases = Number(process.env.SSEKIT_MODEL_CASES_REDIS ?? 40);
const seed = Number(process.env.SSEKIT_MODEL_SEED ?? 20261128);

describe('model: exactly once, in order, on the Redis broker', () => {
  it(`${cases} cases from seed ${seed}`, {
    timeout: Math.max(120_000, cases * 3_000),
  }, async () => {
    await using redis = await startRedis();
    let n = 0;
    const failure = await runCases({
      seed: seed + 2_000_000,
      count: cases,
      maxEvents: 5_000,
      broker: () =>
        new RedisBroker(
          { url: redis.url },
          { key: `model:${n++}`, maxEvents: 5_000, blockMs: 200 },
        ),
      compare: (a, b) => {
        const [ams, aseq] = a.split('-').map(Number) as [number, number];
        const [bms, bseq] = b.split('-').map(Number) as [number, number];
        return ams - bms || aseq - bseq;
      },
    });
    expect(failure).toBeUndefined();
  });
});
