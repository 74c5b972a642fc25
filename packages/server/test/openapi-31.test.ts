// `GET {base}/openapi.json?version=3.1`: the server serves the 3.1 form of @ssekit/openapi's
// document. The form itself, checked with swagger-parser and openapi-typescript, is tested in
// packages/openapi/test/openapi31.test.ts.
import { defineContract, isoDate } from '@ssekit/core';
import { createOpenApiDocument } from '@ssekit/server';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer } from './utils.js';

const contract = defineContract({
  events: {
    price: z
      .object({ symbol: z.string().regex(/^[A-Z]+$/), price: z.number().positive(), at: isoDate() })
      .describe('A price tick'),
    trade: z.object({
      id: z.string(),
      side: z.enum(['buy', 'sell']),
      qty: z.int().positive(),
      orderId: z.string().optional(),
    }),
  },
  streams: {
    orderFills: {
      input: z.object({ orderId: z.string().min(1) }),
      events: {
        fill: z.object({ tradeId: z.string(), qty: z.int() }),
        done: z.object({ filledQty: z.int(), at: isoDate() }),
      },
    },
  },
});

describe('the OpenAPI 3.1 document, served', () => {
  const document = createOpenApiDocument(contract, {
    basePath: '/sse',
    openApiVersion: '3.1.0',
  });

  it('is served at {base}/openapi.json?version=3.1; another version is a 400 with a stable code', async () => {
    await using server = await startTestServer(contract, {
      openapi: 'public',
      streams: {
        orderFills: async function* () {
          yield { event: 'done', data: { filledQty: 0, at: new Date() } };
        },
      },
    });
    const v31 = await fetch(`${server.url}/openapi.json?version=3.1`);
    expect(v31.status).toBe(200);
    expect(await v31.json()).toEqual(document);
    const v32 = await (await fetch(`${server.url}/openapi.json`)).json();
    expect(v32.openapi).toBe('3.2.0');
    const bad = await fetch(`${server.url}/openapi.json?version=3.0`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
  });
});
