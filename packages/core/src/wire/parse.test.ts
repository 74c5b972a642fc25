// The parser, rule by rule: line ends across chunks, UTF-8 and the BOM, fields, ssekit's `topic:`,
// the last event id, and the bounds on a line and an event.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  byteChunks,
  createRng,
  parseChunks,
  randomChunks,
  splitAt,
  toBytes,
} from '../../test/utils.js';
import { SseError } from '../errors.js';
import { createParser, type ParsedEvent, type Parser } from './parse.js';

const msg = (data: string, lastEventId = '', type = 'message'): ParsedEvent => ({
  type,
  data,
  lastEventId,
});

describe('createParser: line ends across chunks', () => {
  it('joins a CRLF cut between two chunks into one line end', () => {
    expect(parseChunks(['data: a\r', '\ndata: b\r\n\r\n']).events).toEqual([msg('a\nb')]);
  });

  it('keeps a pending CR across empty chunks', () => {
    expect(parseChunks(['data: a\r', '', '', '\ndata: b\n\n']).events).toEqual([msg('a\nb')]);
  });

  it('ends the line at a CR that ends a chunk, without waiting for the next one', () => {
    const events: ParsedEvent[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    parser.feed('data: a\r\r');
    // [spec] the second CR is a blank line: the event goes out now, not when more bytes arrive.
    expect(events).toEqual([msg('a')]);
  });

  it('treats CR CR as two line ends and LF CR as two line ends', () => {
    expect(parseChunks(['data: a\r\rdata: b\n\rdata: c\n\n']).events).toEqual([
      msg('a'),
      msg('b'),
      msg('c'),
    ]);
  });

  it('gives the same events for every cut of a mixed-line-end stream', () => {
    const stream = toBytes('data: 1\r\ndata: 2\rid: x\n\r\nevent: e\r\rdata: é€😀\r\n\n:c\r\n\n');
    const expected = [msg('1\n2', 'x'), msg('é€😀', 'x')];
    for (let cut = 0; cut <= stream.length; cut++) {
      expect(parseChunks(splitAt(stream, [cut])).events, `cut at ${cut}`).toEqual(expected);
    }
    for (let seed = 1; seed <= 200; seed++) {
      expect(parseChunks(randomChunks(stream, createRng(seed))).events).toEqual(expected);
    }
  });
});

describe('createParser: UTF-8', () => {
  it('strips one BOM even when its three bytes come in three chunks', () => {
    expect(parseChunks([...byteChunks(toBytes('\uFEFFdata: x\n\n'))]).events).toEqual([msg('x')]);
  });

  it('strips one leading BOM from string input too, and only at the start', () => {
    expect(parseChunks(['\uFEFF', '\uFEFFdata: x\n\ndata: \uFEFF\n\n']).events).toEqual([
      msg('\uFEFF'),
    ]);
  });

  it('joins a multi-byte character cut inside', () => {
    const bytes = toBytes('data: 😀€é\n\n');
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(parseChunks(splitAt(bytes, [cut])).events).toEqual([msg('😀€é')]);
    }
  });

  it('replaces invalid bytes with U+FFFD', () => {
    const bytes = new Uint8Array([...toBytes('data: a'), 0xff, 0xc3, 0x28, ...toBytes('\n\n')]);
    expect(parseChunks([bytes]).events).toEqual([msg('a\uFFFD\uFFFD(')]);
  });

  it('drops a truncated character at the end of the stream with its unterminated line', () => {
    const bytes = new Uint8Array([...toBytes('data: a\n\ndata: b'), 0xe2, 0x82]);
    expect(parseChunks([bytes]).events).toEqual([msg('a')]);
  });
});

describe('createParser: fields', () => {
  it('strips one space after the colon, and only one', () => {
    expect(parseChunks(['data:x\ndata: x\ndata:  x\ndata:\tx\n\n']).events).toEqual([
      msg('x\nx\n x\n\tx'),
    ]);
  });

  it('keeps colons after the first in the value', () => {
    expect(parseChunks(['event: a:b\ndata: c: d\n\n']).events).toEqual([msg('c: d', '', 'a:b')]);
  });

  it('reads a line without a colon as a field with an empty value', () => {
    expect(parseChunks(['event\ndata\n\n']).events).toEqual([msg('')]);
  });

  it('does not dispatch an event without data, but resets its type', () => {
    expect(parseChunks(['event: a\n\ndata: x\n\n']).events).toEqual([msg('x')]);
  });

  it('keeps the type buffer only for its own event', () => {
    expect(parseChunks(['event: a\ndata: 1\n\ndata: 2\n\n']).events).toEqual([
      msg('1', '', 'a'),
      msg('2'),
    ]);
  });

  it('reports comments without the colon and one space', () => {
    const result = parseChunks([':hb\n:  two\n:\n: x: y\n\n']);
    expect(result.comments).toEqual(['hb', ' two', '', 'x: y']);
    expect(result.events).toEqual([]);
  });

  it('accepts retry only as ASCII digits', () => {
    const result = parseChunks([
      'retry: 1000\nretry:0\nretry: 007\nretry:  5\nretry: 1e3\nretry: -1\nretry: 1.5\nretry: \u0661\nretry:\nretry\n\n',
    ]);
    expect(result.retries).toEqual([1000, 0, 7]);
  });

  it('ignores unknown and case-different field names', () => {
    expect(
      parseChunks(['Data: x\nDATA: x\nfoo: x\n data: x\ndata : x\ndata: ok\n\n']).events,
    ).toEqual([msg('ok')]);
  });
});

describe('createParser: ssekit topic field', () => {
  it('puts the topic: field on its event only', () => {
    const result = parseChunks([
      'topic: AAPL\nevent: price\ndata: 1\n\ndata: 2\n\ntopic:\ndata: 3\n\n',
    ]);
    expect(result.events).toEqual([
      { type: 'price', data: '1', lastEventId: '', topic: 'AAPL' },
      msg('2'),
      { type: 'message', data: '3', lastEventId: '', topic: '' },
    ]);
    expect('topic' in result.events[1]!).toBe(false);
  });

  it('forgets the topic of a block without data', () => {
    expect(parseChunks(['topic: AAPL\n\ndata: x\n\n']).events[0]).not.toHaveProperty('topic');
  });
});

describe('createParser: last event id', () => {
  it('starts from the lastEventId option', () => {
    const result = parseChunks(['data: a\n\nid: 2\ndata: b\n\n'], { lastEventId: '1' });
    expect(result.events).toEqual([msg('a', '1'), msg('b', '2')]);
    expect(result.lastEventId).toBe('2');
  });

  it('takes the id of an event block without data, at its blank line', () => {
    const events: ParsedEvent[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    parser.feed('id: 7\n');
    // [spec] the id waits in the buffer until the block's blank line.
    expect(parser.lastEventId).toBe('');
    parser.feed('\n');
    expect(parser.lastEventId).toBe('7');
    parser.feed('data: x\n\n');
    expect(events).toEqual([msg('x', '7')]);
  });

  it('ignores an id holding NUL and keeps the earlier one', () => {
    expect(parseChunks(['id: 1\nid: 2\0\ndata: x\n\n']).events).toEqual([msg('x', '1')]);
  });

  it('forgets the id of an event cut off by the end of the stream', () => {
    const result = parseChunks(['id: 1\ndata: a\n\nid: 2\ndata: b\n']);
    expect(result.events).toEqual([msg('a', '1')]);
    expect(result.lastEventId).toBe('1');
  });

  it('starts a new stream after end(): a BOM is stripped again, pending state is gone', () => {
    const events: ParsedEvent[] = [];
    const parser = createParser({ onEvent: (e) => events.push(e) });
    parser.feed(toBytes('id: 1\ndata: a\n\nid: 2\nevent: t\ndata: cut'));
    parser.end();
    parser.feed(toBytes('\uFEFFdata: b\n\n'));
    parser.end();
    expect(events).toEqual([msg('a', '1'), msg('b', '1')]);
  });
});

describe('createParser: bounds', () => {
  const MAX = 100;
  const long = 'x'.repeat(MAX + 1);

  function expectDropped(stream: string, expected: ParsedEvent[]): void {
    const feeds = [
      [stream],
      [...stream],
      randomChunks(stream, createRng(1)),
      randomChunks(stream, createRng(2)),
      byteChunks(toBytes(stream)),
    ];
    for (const chunks of feeds) {
      const result = parseChunks(chunks, { maxEventLength: MAX });
      expect(result.events).toEqual(expected);
      expect(result.errors.length).toBeGreaterThan(0);
      for (const error of result.errors) {
        expect(error).toBeInstanceOf(SseError);
        expect(error.code).toBe('EVENT_TOO_LARGE');
      }
    }
  }

  it('drops an over-long data line with its event and goes on with the next event', () => {
    expectDropped(`data: ${long}\n\ndata: next\n\n`, [msg('next')]);
  });

  it('drops the whole event that held the long line, lines before and after it included', () => {
    expectDropped(`event: e\ndata: a\ndata: ${long}\ndata: b\n\ndata: next\n\n`, [msg('next')]);
  });

  it('drops an over-long comment or event line however the chunks are cut', () => {
    // A regression test: a long line that arrived in one chunk used to go through.
    expectDropped(`: ${long}\ndata: a\n\ndata: next\n\n`, [msg('next')]);
    expectDropped(`event: ${long}\ndata: a\n\ndata: next\n\n`, [msg('next')]);
  });

  it('drops an event whose data lines add up past the bound', () => {
    const line = `data: ${'y'.repeat(40)}\n`;
    expectDropped(`${line.repeat(3)}\ndata: next\n\n`, [msg('next')]);
  });

  it('reports one error per dropped line, and one for an event that grows past the bound', () => {
    const result = parseChunks([`data: ${long}\n\n: ${long}\n\ndata: ok\n\n`], {
      maxEventLength: MAX,
    });
    expect(result.errors).toHaveLength(2);
    expect(result.events).toEqual([msg('ok')]);
  });

  it('keeps a line of exactly the bound', () => {
    const data = 'z'.repeat(MAX - 'data: '.length);
    const result = parseChunks([`data: ${data}\n\n`], { maxEventLength: MAX });
    expect(result.errors).toEqual([]);
    expect(result.events).toEqual([msg(data)]);
  });

  // Exposing gc is the V8 way to measure retained memory from inside a process.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const chunk = new Uint8Array(64 * 1024).fill(0x78);

  /** Feed `count` chunks of one endless line; the largest heap growth seen, after gc. */
  function retainedWhileFeeding(parser: Parser, count: number): number {
    parser.feed('data: ');
    gc();
    const before = process.memoryUsage().heapUsed;
    let peak = 0;
    for (let i = 0; i < count; i++) {
      parser.feed(chunk);
      if (i % 256 === 255) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    return peak;
  }

  it('keeps memory bounded when fed an endless line in many chunks', () => {
    const errors: SseError[] = [];
    const events: ParsedEvent[] = [];
    const parser = createParser({
      maxEventLength: 1024 * 1024,
      onEvent: (e) => events.push(e),
      onError: (e) => errors.push(e),
    });
    // 256 MiB in 64 KiB chunks: without a bound the parser would hold all of it.
    expect(retainedWhileFeeding(parser, 4096)).toBeLessThan(16 * 1024 * 1024);
    expect(errors).toHaveLength(1);
    parser.feed('\n\ndata: after\n\n');
    expect(events).toEqual([msg('after')]);
  });

  it('(control) the same measure sees an unbounded parser grow', () => {
    // Proves the measure above can fail: 32 MiB of one line is held when the bound is far away.
    const parser = createParser({ maxEventLength: 2 ** 30, onEvent: () => {} });
    expect(retainedWhileFeeding(parser, 512)).toBeGreaterThan(24 * 1024 * 1024);
    parser.end();
  });
});
