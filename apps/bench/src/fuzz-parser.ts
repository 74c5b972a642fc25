/**
 * Differential fuzzing of @ssekit/core's `createParser` against eventsource-parser and the spec
 * reference, at a scale CI cannot afford. Same harness as packages/core/test/fuzz.test.ts.
 *
 *   pnpm --filter @ssekit/bench fuzz:parser [cases=1000000] [seed=1]
 *
 * Prints progress, the case count and every mismatch (as JSON, bytes and cuts included, so it can be
 * replayed with `checkCase`); exits 1 when there was one.
 */
import {
  checkCase,
  type FuzzMismatch,
  generateCase,
} from '../../../packages/core/test/fuzz-harness.js';
import { createRng } from '../../../packages/core/test/utils.js';

const cases = Number(process.argv[2] ?? 1_000_000);
const seed = Number(process.argv[3] ?? 1);
if (!Number.isSafeInteger(cases) || cases < 1 || !Number.isSafeInteger(seed)) {
  console.error('usage: fuzz-parser [cases] [seed]');
  process.exit(2);
}

const rng = createRng(seed);
const mismatches: FuzzMismatch[] = [];
const started = performance.now();
const step = Math.max(1, Math.floor(cases / 20));
for (let i = 1; i <= cases; i++) {
  const mismatch = checkCase(generateCase(rng));
  if (mismatch) {
    mismatches.push(mismatch);
    console.log(`mismatch at case ${i}: ${JSON.stringify(mismatch)}`);
    // A bug shows in many cases at once: a few are enough to study it.
    if (mismatches.length >= 20) break;
  }
  if (i % step === 0) {
    const seconds = (performance.now() - started) / 1000;
    console.log(`${i} cases, ${mismatches.length} mismatches, ${seconds.toFixed(0)} s`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `done: ${cases} cases (seed ${seed}) in ${seconds.toFixed(1)} s, ${mismatches.length} mismatches`,
);
process.exit(mismatches.length === 0 ? 0 : 1);
