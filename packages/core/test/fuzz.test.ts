import { describe, expect, it } from 'vitest';
import { checkCase, generateCase, referenceParse, runOracle, runSsekit } from './fuzz-harness.js';
import { createRng, toBytes } from './utils.js';

// Bounded for CI: a few thousand cases run in about two seconds. apps/bench/src/fuzz-parser.ts runs
// millions with the same harness.
const CASES = 5_000;
const SEED = 0x55e;

describe('createParser against eventsource-parser and the spec reference', () => {
  it(`agrees on ${CASES} random streams and chunkings`, () => {
    const rng = createRng(SEED);
    for (let i = 0; i < CASES; i++) {
      const mismatch = checkCase(generateCase(rng));
      // The whole mismatch (bytes and cuts included) goes into the failure message, to replay it.
      expect(mismatch, `case ${i}`).toBeUndefined();
    }
  });
});

describe('the fuzz harness', () => {
  it('maps eventsource-parser to browser events: message type, carried id', () => {
    const bytes = toBytes(
      '\uFEFFevent:\ndata: a\n\nid: 1\ndata: b\n\ndata: c\n\nretry: 5\n:hi\n\n',
    );
    const oracle = runOracle([bytes]);
    expect(oracle.records).toEqual([
      { kind: 'event', type: 'message', data: 'a' },
      { kind: 'event', type: 'message', data: 'b' },
      { kind: 'event', type: 'message', data: 'c' },
      { kind: 'retry', value: 5 },
      { kind: 'comment', text: 'hi' },
    ]);
    // The oracle's id is per event; the browser's lastEventId ('1' for c) comes from the reference.
    expect(oracle.ids).toEqual([undefined, '1', undefined]);
    expect(referenceParse(bytes).ids).toEqual(['', '1', '1']);
  });

  it('feeds the oracle so that its end-of-stream CR quirk does not hide an event', () => {
    const chunks = [toBytes('data: x\r'), toBytes('\r'), toBytes('abc')];
    expect(runOracle(chunks).records).toEqual([{ kind: 'event', type: 'message', data: 'x' }]);
  });

  it.each([
    [
      'ignores a CR at the end of a chunk',
      (chunks: readonly (Uint8Array | string)[]) =>
        runSsekit(
          chunks.map((c) =>
            typeof c === 'string' ? c : c.subarray(0, c[c.length - 1] === 13 ? -1 : undefined),
          ),
        ),
    ],
    [
      'reports the raw id of each event, like eventsource-parser',
      (chunks: readonly (Uint8Array | string)[]) => {
        const run = runSsekit(chunks);
        return { ...run, ids: run.ids.map((id, i) => (i > 0 && id === run.ids[i - 1] ? '' : id)) };
      },
    ],
    [
      'keeps a second BOM',
      (chunks: readonly (Uint8Array | string)[]) =>
        runSsekit([new Uint8Array([0xef, 0xbb, 0xbf]), ...chunks]),
    ],
  ] as const)('finds a parser that %s', (_what, broken) => {
    // The fuzz is only worth its time if it can fail: each of these bugs must show within the
    // cases CI runs.
    const rng = createRng(SEED);
    let found = false;
    for (let i = 0; i < CASES && !found; i++)
      found = checkCase(generateCase(rng), broken) !== undefined;
    expect(found).toBe(true);
  });
});
