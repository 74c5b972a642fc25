// The OpenAPI 3.2 document (the default): valid for a 3.2 validator, the URL layout, the event
// streams' itemSchema, components and their names. The 3.1 form is in openapi31.test.ts.
import { Validator } from '@seriousme/openapi-schema-validator';
import { defineContract, isoDate } from '@ssekit/core';
import { createOpenApiDocument } from '@ssekit/openapi';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
// codegen's fixtures: every kind of schema a contract may hold, with clashing and recursive names.
import { contract as edge } from '../../codegen/test/fixtures/edge.js';
import { contract as market } from '../../codegen/test/fixtures/market.js';

type Json = { [key: string]: unknown };

async function validate(document: unknown) {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document) as never);
  return { ...result, version: validator.version };
}

/** Follow a local `$ref` such as `#/components/schemas/Price`. */
function resolve(document: Json, ref: string): Json {
  return ref
    .slice(2)
    .split('/')
    .reduce<Json>((node, key) => node[key] as Json, document);
}

const sse = (operation: Json) =>
  ((operation.responses as Json)['200'] as { content: Record<string, { itemSchema: Json }> })
    .content['text/event-stream']!.itemSchema;

describe('createOpenApiDocument', () => {
  it.each([
    ['the market fixture', market],
    ['the edge-case fixture', edge],
    ['an empty contract', defineContract({})],
  ])('makes a valid OpenAPI 3.2 document for %s', async (_, contract) => {
    const result = await validate(createOpenApiDocument(contract, { basePath: '/sse' }));
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(result.version).toBe('3.2');
  });

  it('is rejected by the validator when broken, so the checks above mean something', async () => {
    const document = createOpenApiDocument(market) as unknown as Json;
    (resolve(document, '#/components/schemas') as Json).Price = undefined;
    delete (resolve(document, '#/components/schemas') as Json).Price;
    expect((await validate(document)).valid).toBe(false);
  });

  it('follows the URL layout under the base path', () => {
    const document = createOpenApiDocument(market, {
      basePath: '/sse/',
      title: 'Market',
      version: '2.1.0',
    });
    expect(document.openapi).toBe('3.2.0');
    expect(document.info).toMatchObject({ title: 'Market', version: '2.1.0' });
    expect(Object.keys(document.paths)).toEqual([
      '/sse',
      ...Object.keys(market.events).map((name) => `/sse/events/${name}`),
      '/sse/streams/buildLog',
      '/sse/streams/echo',
      '/sse/openapi.json',
    ]);
    expect(Object.keys(document.paths['/sse/streams/buildLog']!)).toEqual(['get', 'post']);
    expect(Object.keys(createOpenApiDocument(market).paths)[0]).toBe('/');
  });

  it('describes the multiplexed stream: events, topic, lastEventId and the Last-Event-ID header', () => {
    const document = createOpenApiDocument(market, { basePath: '/sse' }) as unknown as Json;
    const get = (document.paths as Json)['/sse'] as { get: Json };
    const parameters = (get.get.parameters as Json[]).map((p) =>
      typeof p.$ref === 'string' ? resolve(document, p.$ref) : p,
    );
    expect(parameters.map((p) => [p.in, p.name])).toEqual([
      ['query', 'events'],
      ['query', 'topic'],
      ['header', 'Last-Event-ID'],
      ['query', 'lastEventId'],
    ]);
    expect(parameters[0]).toMatchObject({ style: 'form', explode: false });
    expect(Object.keys(get.get.responses as Json)).toEqual(['200', '400', '401', '403', '503']);
    const error = resolve(document, ((get.get.responses as Json)['401'] as Json).$ref as string);
    expect(error.content).toEqual({
      'application/json': { schema: { $ref: '#/components/schemas/SsekitErrorBody' } },
    });
  });

  it('gives each event an itemSchema entry whose contentSchema is the wire form of its data', () => {
    const document = createOpenApiDocument(market, { basePath: '/sse' }) as unknown as Json;
    const item = sse(((document.paths as Json)['/sse'] as Json).get as Json);
    expect(item.allOf).toEqual([{ $ref: '#/components/schemas/SsekitEvent' }]);
    const entries = item.oneOf as Json[];
    expect(entries.map((e) => ((e.properties as Json).event as Json).const)).toEqual([
      ...Object.keys(market.events),
      'ssekit.reset',
    ]);
    const price = entries[0]!;
    expect(price).toMatchObject({ required: ['event', 'data', 'id'], description: 'A price tick' });
    const data = (price.properties as Json).data as Json;
    expect(data).toEqual({
      type: 'string',
      contentMediaType: 'application/json',
      contentSchema: { $ref: '#/components/schemas/Price' },
    });
    const schema = resolve(document, '#/components/schemas/Price');
    const properties = schema.properties as Record<string, Json>;
    // Encoded: the ISO string of isoDate(), the decimal string of bigintString(), venue optional.
    expect(properties.at).toMatchObject({ type: 'string', format: 'date-time' });
    expect(properties.volume).toMatchObject({ type: 'string', pattern: '^-?(0|[1-9][0-9]*)$' });
    expect(schema.required).toEqual(['symbol', 'price', 'at', 'volume', 'change']);
    expect(JSON.stringify(schema)).not.toContain('x-ssekit-codec');
  });

  it('describes RPC streams: JSON input in the query or the body, their events, ssekit.error and ssekit.end', () => {
    const document = createOpenApiDocument(market) as unknown as Json;
    const path = (document.paths as Json)['/streams/buildLog'] as { get: Json; post: Json };
    expect(path.get.description).toBe('The log of one build, line by line, then its result.');
    const input = (path.get.parameters as Json[])[0]!;
    expect(input).toMatchObject({
      name: 'input',
      in: 'query',
      required: true,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/BuildLogInput' } } },
    });
    expect(path.post.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/BuildLogInput' } } },
    });
    const events = (sse(path.get).oneOf as Json[]).map(
      (e) => ((e.properties as Json).event as Json).const,
    );
    expect(events).toEqual(['line', 'done', 'ssekit.error', 'ssekit.end']);
    expect(sse(path.post)).toEqual(sse(path.get));
    expect(Object.keys(path.get.responses as Json)).toEqual([
      '200',
      '400',
      '401',
      '403',
      '413',
      '503',
    ]);
  });

  it('makes recursive schemas components of their own, every $ref resolving inside the document', () => {
    const document = createOpenApiDocument(market) as unknown as Json;
    const schemas = resolve(document, '#/components/schemas');
    expect(Object.keys(schemas)).toContain('Comment');
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    for (const ref of refs) expect(resolve(document, ref), ref).toBeDefined();
    expect(
      refs.filter((ref) => ref.includes('__shared') || !ref.startsWith('#/components/')),
    ).toEqual([]);
  });

  it('names components after events and numbers clashes with its own names', () => {
    const contract = defineContract({
      events: { 'ssekit-event': z.string(), 'status.v2': z.object({ at: isoDate() }) },
    });
    const schemas = Object.keys(createOpenApiDocument(contract).components.schemas);
    expect(schemas).toEqual(expect.arrayContaining(['SsekitEvent2', 'StatusV2', 'SsekitEvent']));
  });

  it('is deterministic', () => {
    expect(JSON.stringify(createOpenApiDocument(market))).toBe(
      JSON.stringify(createOpenApiDocument(market)),
    );
  });
});
