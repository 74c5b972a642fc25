import { createClient } from '@ssekit/client';
import type { StreamEvent } from '@ssekit/core';
import { quietPeriod } from '@ssekit/test-kit';
import type { TrackedItem } from '@ssekit/trpc';
import { TRPCClientError } from '@trpc/client';
import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { type AppRouter, type Contract, contract } from './app.js';
import { createTestClient, startTrpcTestServer, waitFor } from './utils.js';

type Item = TrackedItem<StreamEvent<Contract, 'buildLog'>>;

function collect(
  client: ReturnType<typeof createTestClient>,
  input: Parameters<
    ReturnType<typeof createTestClient>['sse']['streams']['buildLog']['subscribe']
  >[0],
) {
  const state = {
    items: [] as Item[],
    errors: [] as unknown[],
    completed: false,
  };
  const sub = client.sse.streams.buildLog.subscribe(input, {
    onData: (item) => state.items.push(item),
    onError: (error) => state.errors.push(error),
    onComplete: () => {
      state.completed = true;
    },
  });
  return { state, sub };
}

describe('RPC stream procedures', () => {
  it('run the same handler as the SSE endpoint, with validated, typed yields and tracked ids', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const build = collect(trpc, { buildId: 'b1', lines: 3 });
    await waitFor(() => build.state.completed, 'the stream ended');
    expect(build.state.items).toEqual([
      { id: '1', data: { event: 'line', data: { n: 1, text: 'b1: line 1' } } },
      { id: '2', data: { event: 'line', data: { n: 2, text: 'b1: line 2' } } },
      { id: '3', data: { event: 'line', data: { n: 3, text: 'b1: line 3' } } },
      // No id of its own: it keeps the last one, as an SSE client's last event id does.
      { id: '3', data: { event: 'done', data: { ok: true } } },
    ]);
    expect(build.state.errors).toEqual([]);

    // The same handler through the SSE endpoint and the ssekit client gives the same events.
    const ssekit = createClient(contract, { url: server.sseUrl, EventSource });
    const fromSsekit: unknown[] = [];
    const handle = ssekit.stream('buildLog', { buildId: 'b1', lines: 3 });
    for await (const item of handle) fromSsekit.push(item);
    await handle.done;
    expect(fromSsekit).toEqual(build.state.items.map((item) => item.data));
    ssekit.close();

    // On tRPC the handler's req is the express request, taken from the context.
    expect(server.runs.map((run) => run.hasRequest)).toEqual([true, true]);
  });

  it('refuses invalid input as a TRPCClientError with the issues, before the handler runs', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const build = collect(trpc, { buildId: 42 as unknown as string, lines: -1 });
    await waitFor(() => build.state.errors.length === 1, 'refused');
    const error = build.state.errors[0];
    expect(error).toBeInstanceOf(TRPCClientError);
    const clientError = error as TRPCClientError<AppRouter>;
    expect(clientError.data?.code).toBe('BAD_REQUEST');
    expect(clientError.data?.httpStatus).toBe(400);
    // Readable without any error formatter…
    expect(clientError.message).toMatch(
      /^Invalid input for stream "buildLog": buildId: .+; lines: /,
    );
    // …and structured with `ssekitErrorData` in the app's errorFormatter.
    expect(clientError.data?.ssekit).toMatchObject({
      code: 'INVALID_INPUT',
      event: 'buildLog',
      issues: [
        { code: 'invalid_type', path: ['buildId'] },
        { code: 'too_small', path: ['lines'] },
      ],
    });
    expect(server.runs).toEqual([]);
    expect(build.state.items).toEqual([]);
  });

  it('a dropped stream resumes: the handler gets lastEventId and nothing is lost or repeated', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const build = collect(trpc, { buildId: 'b2', lines: 60, delayMs: 5 });
    await waitFor(() => build.state.items.length >= 20, 'some lines');
    server.cutSockets();
    await waitFor(() => build.state.completed, {
      message: 'the stream ended after a reconnect',
      timeoutMs: 20_000,
    });
    const lines = build.state.items.map((item) => item.data.event === 'line' && item.data.data.n);
    expect(lines).toEqual([...Array.from({ length: 60 }, (_, i) => i + 1), false]);
    expect(server.runs).toHaveLength(2);
    expect(server.runs[0]!.aborted).toBe(true);
    expect(Number(server.runs[1]!.lastEventId)).toBeGreaterThanOrEqual(20);
    expect(server.runs[1]!.finished).toBe(true);
  });

  it('unsubscribing aborts the handler', async () => {
    await using server = await startTrpcTestServer();
    const trpc = createTestClient(server.trpcUrl);
    const build = collect(trpc, { buildId: 'b3', lines: 1000, delayMs: 5 });
    await waitFor(() => build.state.items.length >= 3, 'some lines');
    build.sub.unsubscribe();
    await waitFor(() => server.runs[0]?.aborted === true, 'aborted');
    await quietPeriod(30);
    expect(server.runs[0]!.finished).toBe(false);
  });
});
