/**
 * Predicate fan-out: ssekit's burst with an `authorize` that returns a predicate, against the same
 * burst without one. Three variants of the ssekit server, every event published with a topic: no
 * predicate, a predicate that accepts everything, one that rejects half the topics.
 */
import { CONTENDERS, type ContenderInfo } from '../runner/contenders.js';
import type { BurstPlan } from '../runner/plan.js';
import type { BurstCell, Cell } from '../runner/results.js';
import { runBurst } from './burst.js';
import type { ScenarioContext } from './common.js';

/** The variant every ratio of this scenario is taken against. */
export const PREDICATE_BASE_ID = 'ssekit-no-predicate';

function variant(id: string, label: string, authorize: string | undefined, description: string) {
  const ssekit = CONTENDERS.find((c) => c.id === 'ssekit')!;
  return {
    ...ssekit,
    id,
    label,
    description,
    env: {
      SSEKIT_BENCH_TOPIC: '1',
      ...(authorize === undefined ? {} : { SSEKIT_BENCH_AUTHORIZE: authorize }),
    },
  } satisfies ContenderInfo;
}

export const PREDICATE_VARIANTS: readonly ContenderInfo[] = [
  variant(PREDICATE_BASE_ID, 'ssekit, no predicate', undefined, 'no authorize'),
  variant(
    'ssekit-predicate-all',
    'ssekit, predicate accepts all',
    'all',
    'authorize returns (event, topic) => true',
  ),
  variant(
    'ssekit-predicate-half',
    'ssekit, predicate rejects half the topics',
    'half',
    'authorize returns a predicate that lets 2 of the 4 symbols through',
  ),
];

/** Events of a burst of `events` that reach a client of the variant (symbols cycle by sequence). */
export function perClientOf(variantId: string, events: number): number {
  return variantId === 'ssekit-predicate-half' ? Math.floor(events / 2) : events;
}

/** One repetition of the burst on a fresh server of the variant. */
export function runPredicate(
  ctx: ScenarioContext,
  contender: ContenderInfo,
  plan: BurstPlan,
): Promise<BurstCell | Cell> {
  // The half predicate lets AAPL and GOOG through: every event of even sequence number.
  const filtered =
    contender.id === 'ssekit-predicate-half'
      ? { perClient: perClientOf(contender.id, plan.events), step: 2 }
      : undefined;
  return runBurst(ctx, contender, plan, filtered);
}
