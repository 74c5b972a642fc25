/**
 * Parser throughput: @ssekit/core's `createParser` against eventsource-parser v3 on the same input,
 * a realistic ~50 MB stream of price events (ids, event names, one line of JSON each, a heartbeat
 * comment now and then) in 16 KiB chunks.
 *
 *   pnpm --filter @ssekit/bench bench:parser [megabytes=50] [rounds=9]
 *
 * Two variants: bytes (`Uint8Array` chunks, as a socket or `fetch` gives them; eventsource-parser
 * only takes strings, so it gets each chunk through a streaming TextDecoder, which is what its own
 * users do) and strings (chunks already decoded, both parsers fed the same strings). Rounds are
 * interleaved so that a slow moment of the machine hurts every contender alike; the median is shown.
 */
import { cpus, loadavg } from 'node:os';
import { createParser, encodeComment, encodeEvent } from '@ssekit/core';
import { createParser as createOracle } from 'eventsource-parser';

const megabytes = Number(process.argv[2] ?? 50);
const rounds = Number(process.argv[3] ?? 9);
const CHUNK = 16 * 1024;

/** A stream like the demo's: prices of a few symbols, ids `<epoch>-<seq>`, a heartbeat per ~1000. */
function buildStream(targetBytes: number): { text: string; events: number } {
  const symbols = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA', 'META', 'TSLA', 'ORCL'];
  const parts: string[] = [];
  let size = 0;
  let seq = 0;
  let at = Date.UTC(2026, 10, 24, 10);
  parts.push('retry: 2000\n\n', encodeComment('connected'));
  while (size < targetBytes) {
    seq += 1;
    at += 7;
    const symbol = symbols[seq % symbols.length]!;
    const price = Math.round((100 + Math.sin(seq / 50) * 20 + (seq % 13) / 10) * 100) / 100;
    const data = JSON.stringify({ symbol, price, at: new Date(at).toISOString() });
    const frame = encodeEvent({ id: `mic8x2k0a1b2-${seq}`, event: 'price', data });
    parts.push(frame);
    size += frame.length;
    if (seq % 1000 === 0) parts.push(encodeComment('hb'));
  }
  return { text: parts.join(''), events: seq };
}

function chunksOf<T extends string | Uint8Array>(input: T, size: number): T[] {
  const chunks: T[] = [];
  for (let i = 0; i < input.length; i += size) chunks.push(input.slice(i, i + size) as T);
  return chunks;
}

interface Contender {
  name: string;
  /** Parse the whole input once; returns the number of events and a checksum of their data. */
  run: () => { events: number; checksum: number };
}

const { text, events: expectedEvents } = buildStream(megabytes * 1e6);
const bytes = new TextEncoder().encode(text);
const byteChunks = chunksOf(bytes, CHUNK);
const textChunks = chunksOf(text, CHUNK);

function ssekit(chunks: readonly (string | Uint8Array)[]) {
  return () => {
    let events = 0;
    let checksum = 0;
    const parser = createParser({
      onEvent: (event) => {
        events += 1;
        checksum += event.data.length;
      },
    });
    for (const chunk of chunks) parser.feed(chunk);
    parser.end();
    return { events, checksum };
  };
}

function oracle(decode: boolean) {
  return () => {
    let events = 0;
    let checksum = 0;
    const parser = createOracle({
      onEvent: (event) => {
        events += 1;
        checksum += event.data.length;
      },
    });
    if (decode) {
      const decoder = new TextDecoder();
      for (const chunk of byteChunks) parser.feed(decoder.decode(chunk, { stream: true }));
      parser.feed(decoder.decode());
    } else {
      for (const chunk of textChunks) parser.feed(chunk);
    }
    parser.reset();
    return { events, checksum };
  };
}

const contenders: Contender[] = [
  { name: '@ssekit/core      bytes  ', run: ssekit(byteChunks) },
  { name: 'eventsource-parser bytes ', run: oracle(true) },
  { name: '@ssekit/core      string ', run: ssekit(textChunks) },
  { name: 'eventsource-parser string', run: oracle(false) },
];

console.log(
  `input: ${(bytes.length / 1e6).toFixed(1)} MB, ${expectedEvents} events, ${byteChunks.length} chunks of ${CHUNK} bytes; ${rounds} rounds after 2 warm-up rounds`,
);
// Figures only compare within one run: other work on the machine slows every contender.
console.log(
  `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} at start`,
);

const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
let reference: { events: number; checksum: number } | undefined;
for (let round = -2; round < rounds; round++) {
  for (const contender of contenders) {
    const started = performance.now();
    const result = contender.run();
    const seconds = (performance.now() - started) / 1000;
    // Both parsers must have seen the same events, or the figures compare different work.
    reference ??= result;
    if (result.events !== expectedEvents || result.checksum !== reference.checksum) {
      throw new Error(
        `${contender.name} gave ${result.events} events, checksum ${result.checksum}`,
      );
    }
    if (round >= 0) samples.get(contender.name)!.push(bytes.length / 1e6 / seconds);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};
console.log('parser                     median MB/s   (min – max)');
for (const [name, values] of samples) {
  const low = Math.min(...values).toFixed(0);
  const high = Math.max(...values).toFixed(0);
  console.log(`${name}  ${median(values).toFixed(0).padStart(8)}      (${low} – ${high})`);
}
