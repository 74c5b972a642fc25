// The Fetch API sink, without a server: what counts as buffered, how it drains, ends, and closes
// when the reader cancels or the request aborts.
import { describe, expect, it } from 'vitest';
import { createFetchSink } from './fetch-sink.js';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

describe('the Fetch sink', () => {
  it('counts what the reader has not pulled as buffered, and drains as it reads', async () => {
    const { sink, body } = createFetchSink(undefined);
    sink.write('a'.repeat(100));
    sink.write(new TextEncoder().encode('b'.repeat(50)));
    expect(sink.bufferedBytes).toBe(150);
    let drained = false;
    void sink.drained(0).then(() => {
      drained = true;
    });
    const reader = body.getReader();
    const first = await reader.read();
    expect(text(first.value)).toBe(`${'a'.repeat(100)}${'b'.repeat(50)}`);
    expect(sink.bufferedBytes).toBe(0);
    await Promise.resolve();
    expect(drained).toBe(true);
    // A read is pending now: the next write goes straight to it, nothing waits.
    const pending = reader.read();
    await Promise.resolve();
    sink.write('c');
    expect(sink.bufferedBytes).toBe(0);
    expect(text((await pending).value)).toBe('c');
  });

  it('hands a shared chunk as is: no transfer, so other connections keep reading it', async () => {
    const shared = new TextEncoder().encode('data: x\n\n');
    const one = createFetchSink(undefined);
    const two = createFetchSink(undefined);
    one.sink.write(shared);
    two.sink.write(shared);
    expect(text((await one.body.getReader().read()).value)).toBe('data: x\n\n');
    expect(text((await two.body.getReader().read()).value)).toBe('data: x\n\n');
    expect(shared.byteLength).toBe(9);
  });

  it('end() delivers what is queued, then closes; onClose fires once', async () => {
    const { sink, body } = createFetchSink(undefined);
    let closes = 0;
    sink.onClose(() => {
      closes += 1;
    });
    sink.write('last');
    sink.end();
    expect(sink.writable).toBe(false);
    expect(sink.closed).toBe(false);
    const reader = body.getReader();
    expect(text((await reader.read()).value)).toBe('last');
    expect((await reader.read()).done).toBe(true);
    expect(sink.closed).toBe(true);
    expect(closes).toBe(1);
  });

  it('closes when the request aborts or the reader cancels, dropping what is queued', async () => {
    const request = new AbortController();
    const aborted = createFetchSink(request.signal);
    aborted.sink.write('x');
    request.abort();
    expect(aborted.sink.closed).toBe(true);
    expect(aborted.sink.bufferedBytes).toBe(0);

    const cancelled = createFetchSink(undefined);
    let closed = false;
    cancelled.sink.onClose(() => {
      closed = true;
    });
    await cancelled.body.cancel();
    expect(closed).toBe(true);
    cancelled.sink.write('ignored');
    expect(cancelled.sink.bufferedBytes).toBe(0);
  });

  it('destroy() drops what is queued and ends the body at once', async () => {
    const { sink, body } = createFetchSink(undefined);
    sink.write('unsent');
    sink.destroy();
    expect(sink.closed).toBe(true);
    expect(sink.bufferedBytes).toBe(0);
    expect((await body.getReader().read()).done).toBe(true);
  });
});
