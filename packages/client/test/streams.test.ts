import { createClient } from '@ssekit/client';
import { defineContract, type SseError } from '@ssekit/core';
import { nextTurn, quietPeriod } from '@ssekit/test-kit';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, trackSockets, waitFor } from '../../server/test/utils.js';

const contract = defineContract({
  streams: {
    count: {
      input: z.object({ to: z.int().min(0).max(100_000), delayMs: z.int().min(0).default(0) }),
      events: { n: z.object({ n: z.int() }), done: z.object({ total: z.int() }) },
    },
    broken: { input: z.object({}), events: { n: z.object({ n: z.int() }) } },
    crash: { input: z.object({ secret: z.string() }), events: { n: z.object({ n: z.int() }) } },
  },
});

// The server's view of the same stream, stricter on input: a client built from an older contract
// sends input that only the server refuses.
const serverContract = defineContract({
  streams: {
    ...contract.streams,
    count: {
      ...contract.streams.count,
      input: z.object({ to: z.int().min(1).max(100_000), delayMs: z.int().min(0).default(0) }),
    },
  },
});

function handlers(log: { started: number; finallyAt: number[]; abortedAt: number[] }) {
  return {
    count: async function* ({
      input,
      lastEventId,
      signal,
    }: {
      input: { to: number; delayMs: number };
      lastEventId: string | undefined;
      signal: AbortSignal;
    }) {
      log.started += 1;
      signal.addEventListener('abort', () => log.abortedAt.push(Date.now()));
      try {
        const from = lastEventId === undefined ? 0 : Number(lastEventId) + 1;
        for (let n = from; n < input.to; n++) {
          if (input.delayMs) await nextTurn(input.delayMs);
          if (signal.aborted) return;
          yield { event: 'n' as const, data: { n }, id: String(n) };
        }
        yield { event: 'done' as const, data: { total: input.to } };
      } finally {
        log.finallyAt.push(Date.now());
      }
    },
    broken: async function* () {
      log.started += 1;
      yield { event: 'n' as const, data: { n: 1 } };
      yield { event: 'n' as const, data: { n: 'two' as unknown as number } };
    },
    crash: async function* ({ input }: { input: { secret: string } }) {
      yield { event: 'n' as const, data: { n: 1 } };
      throw new Error(`database password is ${input.secret}`);
    },
  };
}

const newLog = () => ({ started: 0, finallyAt: [] as number[], abortedAt: [] as number[] });

describe('RPC streams', () => {
  it('delivers typed events in order, then ends with ssekit.end (on() and async iteration)', async () => {
    const log = newLog();
    await using server = await startTestServer(serverContract, { streams: handlers(log) });
    for (const options of [{ EventSource }, {}]) {
      const client = createClient(contract, { url: server.url, ...options });
      const handle = client.stream('count', { to: 50, delayMs: 0 });
      const viaOn: number[] = [];
      handle.on('n', (d) => viaOn.push(d.n));
      const items: string[] = [];
      for await (const item of handle) {
        if (item.event === 'n') items.push(`n${item.data.n}`);
        else items.push(`done${item.data.total}`);
      }
      await handle.done;
      expect(items).toEqual([...Array.from({ length: 50 }, (_, i) => `n${i}`), 'done50']);
      expect(viaOn).toHaveLength(50);
      expect(handle.status).toBe('closed');
      client.close();
    }
    expect(log.started).toBe(2);
  });

  it('refuses invalid input with 400 and the issues, before any stream byte', async () => {
    const log = newLog();
    await using server = await startTestServer(serverContract, {
      streams: handlers(log),
      maxInputBytes: 4096,
    });
    const raw = await fetch(`${server.url}/streams/count?input=${encodeURIComponent('{"to":-1}')}`);
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { code: string; issues: { path: string[] }[] } };
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.issues[0]!.path).toEqual(['to']);
    for (const [path, code] of [
      ['/streams/count?input=%7Bnope', 'INVALID_INPUT'],
      ['/streams/count?input=1&input=2', 'BAD_REQUEST'],
      [`/streams/count?input=${'1'.repeat(5000)}`, 'PAYLOAD_TOO_LARGE'],
      ['/streams/nope', 'UNKNOWN_STREAM'],
      ['/streams/toString', 'UNKNOWN_STREAM'],
    ] as const) {
      const res = await fetch(`${server.url}${path}`);
      expect([path, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([
        path,
        code,
      ]);
    }
    const post = await fetch(`${server.url}/streams/count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"to":',
    });
    expect([post.status, ((await post.json()) as { error: { code: string } }).error.code]).toEqual([
      400,
      'INVALID_INPUT',
    ]);
    const huge = await fetch(`${server.url}/streams/count`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ to: 1, pad: 'x'.repeat(100_000) }),
    });
    expect([huge.status, ((await huge.json()) as { error: { code: string } }).error.code]).toEqual([
      413,
      'PAYLOAD_TOO_LARGE',
    ]);
    // Past Node's own header limit (16 KiB by default) Node answers 431 before any route runs.
    expect((await fetch(`${server.url}/streams/count?input=${'1'.repeat(70_000)}`)).status).toBe(
      431,
    );

    // Through the client: the server's 400 reaches onError with its issues (FetchEventSource reads the body).
    const errors: SseError[] = [];
    const client = createClient(contract, { url: server.url, onError: (e) => errors.push(e) });
    const handle = client.stream('count', { to: 0, delayMs: 0 });
    await expect(handle.done).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(errors[0]!.issues?.[0]?.path).toEqual(['to']);
    // And input the client's own schema refuses never leaves the client.
    const local = client.stream('count', { to: -5, delayMs: 0 });
    await expect(local.done).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(log.started).toBe(0);
    client.close();
  });

  it('ends with ssekit.error on an invalid yield or a throw, hides internal messages, and does not loop', async () => {
    const log = newLog();
    const serverErrors: unknown[] = [];
    await using server = await startTestServer(serverContract, {
      streams: handlers(log),
      onError: (e) => serverErrors.push(e),
    });
    const client = createClient(contract, { url: server.url, EventSource });
    const broken = client.stream('broken', {});
    const got: number[] = [];
    broken.on('n', (d) => got.push(d.n));
    await expect(broken.done).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const crash = client.stream('crash', { secret: 'hunter2' });
    const error = await crash.done.catch((e: SseError) => e);
    expect(error).toMatchObject({ code: 'INTERNAL', message: 'Internal error' });
    expect(JSON.stringify(error)).not.toContain('hunter2');
    await quietPeriod(300);
    expect(log.started).toBe(1);
    expect(got).toEqual([1]);
    expect(serverErrors).toHaveLength(2);
    client.close();
  });

  it('aborts the handler within 100 ms of a client disconnect, and its finally runs', async () => {
    const log = newLog();
    await using server = await startTestServer(serverContract, { streams: handlers(log) });
    const client = createClient(contract, { url: server.url, EventSource });
    const handle = client.stream('count', { to: 100_000, delayMs: 5 });
    await new Promise<void>((resolve) => handle.on('n', (d) => d.n === 3 && resolve()));
    const closedAt = Date.now();
    handle.close();
    await waitFor(() => log.finallyAt.length === 1, { message: 'finally ran', timeoutMs: 1000 });
    expect(log.abortedAt[0]! - closedAt).toBeLessThan(100);
    expect(log.finallyAt[0]! - closedAt).toBeLessThan(100);
    await waitFor(() => server.sse.stats().streams === 0, 'stream released');
    client.close();
  });

  it('resumes a dropped stream where it left off: no gap, no duplicate', async () => {
    const log = newLog();
    await using server = await startTestServer(serverContract, {
      streams: handlers(log),
      retryMs: 20,
    });
    const sockets = trackSockets(server.http);
    for (const options of [{ EventSource }, {}]) {
      const client = createClient(contract, { url: server.url, ...options });
      const handle = client.stream('count', { to: 300, delayMs: 1 });
      const seen: number[] = [];
      handle.on('n', (d) => {
        seen.push(d.n);
        if (d.n === 100 || d.n === 200) for (const socket of sockets) socket.destroy();
      });
      await handle.done;
      expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i));
      client.close();
    }
    expect(log.started).toBeGreaterThanOrEqual(6);
  });

  it('runs 1000 concurrent streams to completion', async () => {
    const log = newLog();
    await using server = await startTestServer(serverContract, {
      streams: handlers(log),
      maxConnectionsPerIp: null,
    });
    const client = createClient(contract, { url: server.url });
    const totals = await Promise.all(
      Array.from({ length: 1000 }, async (_, i) => {
        const handle = client.stream('count', { to: 20 + (i % 7), delayMs: 0 });
        let sum = 0;
        let total = -1;
        for await (const item of handle) {
          if (item.event === 'n') sum += item.data.n;
          else total = item.data.total;
        }
        return { sum, total, to: 20 + (i % 7) };
      }),
    );
    for (const { sum, total, to } of totals) {
      expect(total).toBe(to);
      expect(sum).toBe((to * (to - 1)) / 2);
    }
    expect(log.started).toBe(1000);
    await waitFor(() => server.sse.stats().streams === 0, 'all released');
    client.close();
  });

  it('refuses to start when a stream of the contract has no handler', async () => {
    await expect(
      startTestServer(contract, { streams: { count: handlers(newLog()).count } } as never),
    ).rejects.toThrow(/broken/);
  });
});
