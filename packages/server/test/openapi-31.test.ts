// The OpenAPI 3.1 form of the document (issue 17): the tools that do not read 3.2 yet must accept
// it and keep each stream's events. Checked with the tools themselves: @apidevtools/swagger-parser
// validates it, and openapi-typescript turns it into types in which every event has its fields.
import SwaggerParser from '@apidevtools/swagger-parser';
import { defineContract, isoDate } from '@ssekit/core';
import { createOpenApiDocument } from '@ssekit/server';
import openapiTS, { astToString } from 'openapi-typescript';
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

/** openapi-typescript's output for a document, as TypeScript source. */
async function typesOf(document: object): Promise<string> {
  return astToString(await openapiTS(structuredClone(document) as never));
}

/** The TypeScript openapi-typescript gives the 200 `text/event-stream` body of one operation. */
function streamBodyOf(types: string, operationId: string): string {
  const operations = types.slice(types.indexOf('export interface operations'));
  const start = operations.indexOf(`\n    ${operationId}: {`);
  expect(start, `${operationId} in the generated types`).toBeGreaterThan(-1);
  const body = operations.slice(start + 1);
  const end = body.indexOf('\n    }'); // the operation's closing brace, at its own indentation
  const operation = body.slice(0, end);
  const media = operation.indexOf('"text/event-stream":');
  expect(media, `a text/event-stream body for ${operationId}`).toBeGreaterThan(-1);
  return operation.slice(media);
}

describe('the OpenAPI 3.1 document', () => {
  const document = createOpenApiDocument(contract, {
    basePath: '/sse',
    openApiVersion: '3.1.0',
  });

  it('is valid OpenAPI 3.1 for @apidevtools/swagger-parser', async () => {
    expect(document.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
  });

  it('gives openapi-typescript each event with its fields, not unknown', async () => {
    const types = await typesOf(document);
    const all = streamBodyOf(types, 'subscribe');
    expect(all).not.toMatch(/"text\/event-stream": unknown/);
    expect(all).toMatch(/event: "price"/);
    expect(all).toMatch(/event: "trade"/);
    expect(all).toMatch(/event: "ssekit\.reset"/);

    const price = streamBodyOf(types, 'subscribePrice');
    expect(price).toMatch(/event: "price"/);
    expect(price).not.toMatch(/event: "trade"/);
    expect(price).toMatch(/data: components\["schemas"\]\["Price"\]/);
    // The event's schema is a component, as its fields are.
    expect(types).toMatch(/symbol: string;/);
    expect(types).toMatch(/price: number;/);
    expect(types).toMatch(/side: "buy" \| "sell";/);
    expect(types).toMatch(/orderId\?: string;/);

    const fills = streamBodyOf(types, 'streamOrderFills');
    expect(fills).toMatch(/event: "fill"/);
    expect(fills).toMatch(/event: "done"/);
    expect(fills).toMatch(/event: "ssekit\.end"/);
    expect(fills).toMatch(/data: components\["schemas"\]\["OrderFillsFill"\]/);
  });

  it('3.2 stays the default, with itemSchema, and 3.2 is what the 3.1 tools refuse', async () => {
    const current = createOpenApiDocument(contract, { basePath: '/sse' });
    expect(current.openapi).toBe('3.2.0');
    const stream = (current.paths['/sse'] as { get: { responses: Record<string, any> } }).get
      .responses['200'].content['text/event-stream'];
    expect(stream.itemSchema).toBeDefined();
    await expect(SwaggerParser.validate(structuredClone(current) as never)).rejects.toThrow();
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
