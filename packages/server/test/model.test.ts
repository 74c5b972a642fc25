// Randomized model runs (issue 14): a few hundred cases per broker in CI. A long run:
//   SSEKIT_MODEL_CASES=100000 SSEKIT_MODEL_SEED=1 pnpm exec vitest run packages/server/test/model.test.ts
// A failure prints its seed; SSEKIT_MODEL_SEED=<seed> SSEKIT_MODEL_CASES=1 replays its commands.
import { MemoryBroker } from '@ssekit/server';
import { describe, expect, it } from 'vitest';
import { runCases } from './model/harness.js';
import { SplitDeliveryBroker } from './sessions.js';

const cases = Number(process.env.SSEKIT_MODEL_CASES ?? 150);
const seed = Number(process.env.SSEKIT_MODEL_SEED ?? 20261128);
const timeout = Math.max(120_000, cases * 2_000);

describe('model: exactly once, in order, for any interleaving', () => {
  it(`memory broker, ${cases} cases from seed ${seed}`, { timeout }, async () => {
    const failure = await runCases({
      seed,
      count: cases,
      maxEvents: 150,
      broker: () => new MemoryBroker({ maxEvents: 150, maxAgeMs: null }),
    });
    expect(failure).toBeUndefined();
  });

  it(`a broker that splits and delays deliveries as a Redis tail can, ${cases} cases`, {
    timeout,
  }, async () => {
    const failure = await runCases({
      seed: seed + 1_000_000,
      count: cases,
      maxEvents: 150,
      broker: () => new SplitDeliveryBroker({ maxEvents: 150, maxAgeMs: null }),
    });
    expect(failure).toBeUndefined();
  });
});
