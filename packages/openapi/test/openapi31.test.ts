// The OpenAPI 3.1 form (`openApiVersion: '3.1.0'`, issue 17), checked with the tools it is for:
// swagger-parser validates it, and openapi-typescript turns each event stream into an array of typed
// events, which tsc then holds to the contract's fields. The server's `?version=3.1`: server tests.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import SwaggerParser from '@apidevtools/swagger-parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { defineContract } from '@ssekit/core';
import { createOpenApiDocument } from '@ssekit/openapi';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { contract as demo } from '../../../apps/demo/src/events.js';
import { contract as edge } from '../../codegen/test/fixtures/edge.js';
import { contract as market } from '../../codegen/test/fixtures/market.js';

type Json = { [key: string]: unknown };

const TMP = fileURLToPath(new URL('./.tmp/', import.meta.url));

const document31 = (contract: Parameters<typeof createOpenApiDocument>[0]) =>
  createOpenApiDocument(contract, { basePath: '/sse', openApiVersion: '3.1.0' });

const eventStream = (document: Json, path: string, method = 'get') =>
  (
    ((document.paths as Json)[path] as Json)[method] as {
      responses: { '200': { content: Record<string, Json> } };
    }
  ).responses['200'].content['text/event-stream']!;

/** Type-check these files with tsc, strict, as a user's project would: the diagnostics as text. */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (d.file === undefined || d.start === undefined) return text;
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName.slice(TMP.length)}:${line + 1}: ${text}`;
  });
}

describe("createOpenApiDocument(contract, { openApiVersion: '3.1.0' })", () => {
  it.each([
    ['the demo contract', demo],
    ['the market fixture', market],
    ['the edge-case fixture', edge],
    ['an empty contract', defineContract({})],
  ])('is a valid 3.1 document for swagger-parser and a 3.1 validator: %s', async (_, contract) => {
    const document = document31(contract);
    expect(document.openapi).toBe('3.1.0');
    // swagger-parser 13 refuses 3.2 ("Unsupported OpenAPI version"); this is what it reads.
    const parsed = await SwaggerParser.validate(structuredClone(document) as never);
    expect((parsed as { openapi: string }).openapi).toBe('3.1.0');
    const validator = new Validator();
    expect(await validator.validate(structuredClone(document) as never)).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
  });

  it('swagger-parser rejects a broken one, so the check above means something', async () => {
    const document = document31(demo) as unknown as Json;
    delete ((document.components as Json).schemas as Json).Price;
    await expect(SwaggerParser.validate(document as never)).rejects.toThrow(/Price/);
  });

  it('3.2 stays the default, and 3.2 is what swagger-parser refuses', async () => {
    const document = createOpenApiDocument(demo, { basePath: '/sse' });
    expect(document.openapi).toBe('3.2.0');
    expect(JSON.stringify(document)).toContain('"itemSchema"');
    await expect(SwaggerParser.validate(structuredClone(document) as never)).rejects.toThrow(
      /Unsupported OpenAPI version/,
    );
  });

  it('describes each stream as an array of its events, data as its JSON value, x-ssekit-stream: sse', () => {
    const document = document31(demo) as unknown as Json;
    expect(JSON.stringify(document)).not.toContain('itemSchema');
    const media = eventStream(document, '/sse');
    expect(media['x-ssekit-stream']).toBe('sse');
    const schema = media.schema as Json;
    expect(schema.type).toBe('array');
    const entries = (schema.items as Json).oneOf as Json[];
    expect(entries.map((e) => ((e.properties as Json).event as Json).const)).toEqual([
      'price',
      'trade',
      'alert',
      'ssekit.reset',
    ]);
    expect(entries[0]).toMatchObject({
      title: 'price',
      required: ['event', 'data', 'id'],
      properties: {
        event: { type: 'string', const: 'price' },
        data: { allOf: [{ $ref: '#/components/schemas/Price' }] },
      },
    });
    const one = ((eventStream(document, '/sse/events/trade').schema as Json).items as Json)
      .oneOf as Json[];
    expect(one.map((e) => e.title)).toEqual(['trade', 'ssekit.reset']);
    const stream = eventStream(document, '/sse/streams/orderFills', 'post');
    expect((((stream.schema as Json).items as Json).oneOf as Json[]).map((e) => e.title)).toEqual([
      'fill',
      'done',
      'ssekit.error',
      'ssekit.end',
    ]);
    // The rest of the document is the 3.2 one: same paths, same components.
    const document32 = createOpenApiDocument(demo, { basePath: '/sse' });
    expect(Object.keys(document.paths as Json)).toEqual(Object.keys(document32.paths));
    expect((document.components as Json).schemas).toEqual(document32.components.schemas);
  });

  it('openapi-typescript types every event stream as an array of its events, with their fields', async () => {
    const source = astToString(await openapiTS(structuredClone(document31(demo)) as never));
    // The event streams are typed, not `unknown` as openapi-typescript 7 makes of a 3.2 itemSchema.
    expect(source).toMatch(/"text\/event-stream": \(\{\s*\/\*\* @constant \*\/\s*event: "price";/);
    expect(source).toContain('data: components["schemas"]["Price"];');
    expect(source).toContain('data: components["schemas"]["OrderFillsFill"];');
    expect(source).not.toMatch(/"text\/event-stream": unknown/);

    // And the types hold the demo's fields: tsc accepts a right event and refuses wrong ones.
    await rm(TMP, { recursive: true, force: true });
    await mkdir(TMP, { recursive: true });
    await writeFile(join(TMP, 'package.json'), '{ "type": "module" }\n');
    await writeFile(join(TMP, 'openapi.ts'), source);
    await writeFile(
      join(TMP, 'check.ts'),
      `import type { operations } from './openapi.js';
type Item = operations['subscribe']['responses'][200]['content']['text/event-stream'][number];
type Fill = operations['streamOrderFills']['responses'][200]['content']['text/event-stream'][number];
export const price: Item = {
  event: 'price',
  id: 'k3f9a2-41',
  data: { symbol: 'AAPL', price: 191.2, change: 0.01, seq: 7, at: '2026-11-24T10:00:00.000Z' },
};
export const fill: Fill = {
  event: 'fill',
  data: { tradeId: 't1', qty: 5, price: 191.2, filledQty: 5, totalQty: 10 },
};
export const missingField: Item = {
  event: 'price',
  id: 'k3f9a2-41',
  data: { symbol: 'AAPL', price: 191.2, change: 0.01, at: '2026-11-24T10:00:00.000Z' },
};
export const wrongType: Item = {
  event: 'trade',
  id: 'k3f9a2-42',
  data: { id: 'x', symbol: 'AAPL', side: 'hold', qty: 1, price: 1, at: '2026-11-24T10:00:00.000Z' },
};
`,
    );
    const problems = typeCheck([join(TMP, 'check.ts')]);
    await rm(TMP, { recursive: true, force: true });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^check\.ts:\d+: .*Property 'seq' is missing/s);
    expect(problems[1]).toMatch(/^check\.ts:\d+: .*'"hold"'/s);
  }, 60_000);
});
