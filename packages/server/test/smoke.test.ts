import { defineContract, isoDate } from '@ssekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readRaw, startTestServer } from './utils.js';

const contract = defineContract({
  events: {
    price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }),
    trade: z.object({ id: z.string(), qty: z.int() }),
  },
});

describe('broadcast smoke', () => {
  it('streams a published event as standard SSE', async () => {
    await using server = await startTestServer(contract, {});
    const reading = readRaw(server.url, { until: (t) => t.includes('event: price') });
    await new Promise((r) => setTimeout(r, 100));
    server.sse.publish('price', { symbol: 'AAPL', price: 1.5, at: new Date(0) });
    const { status, headers, text } = await reading;
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/event-stream; charset=utf-8');
    expect(text).toContain('retry: 2000\n: connected\n\n');
    expect(text).toMatch(
      /id: [0-9a-z]+-1\nevent: price\ndata: \{"symbol":"AAPL","price":1.5,"at":"1970-01-01T00:00:00.000Z"\}\n\n/,
    );
  });
});
