import { bigintString, defineContract, isoDate } from '@ssekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CodegenError, generateClientModule } from '../src/index.js';

const generate = (events: Record<string, z.ZodType>) =>
  generateClientModule(defineContract({ events }), { source: './events.ts' });

/** The error `generate` throws for one schema, as `{ code, message }`. */
function failure(schema: z.ZodType, name = 'bad'): { code: string; message: string } {
  try {
    generate({ [name]: schema });
  } catch (error) {
    if (!(error instanceof CodegenError)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected generate to fail');
}

describe('schemas with no JSON form', () => {
  it.each([
    ['z.map()', z.map(z.string(), z.number())],
    ['z.set()', z.set(z.string())],
    ['z.date()', z.date()],
    ['z.bigint()', z.bigint()],
    ['z.symbol()', z.symbol()],
    ['z.function()', z.function()],
    ['z.promise()', z.promise(z.string())],
    ['z.nan()', z.nan()],
  ])('refuse %s, naming the event and the path', (what, schema) => {
    const error = failure(z.object({ levels: z.array(z.object({ at: schema })) }), 'price');
    expect(error.code).toBe('NO_JSON_FORM');
    expect(error.message).toContain('events.price at .levels[number].at');
    expect(error.message).toContain(what);
    if (what.startsWith('a default computed')) expect(error.message).toContain('constant default');
  });

  it('leave the clock and randomness as they were after refusing a computed default', () => {
    const now = Date.now;
    const random = Math.random;
    expect(() => generate({ a: z.object({ t: z.number().default(() => Date.now()) }) })).toThrow();
    expect(Date.now).toBe(now);
    expect(Math.random).toBe(random);
    expect(new Date(0).getTime()).toBe(0);
    expect(new Date()).toBeInstanceOf(Date);
  });

  it('print a constant default, an object or a fixed date included', () => {
    const source = generate({
      a: z.object({
        n: z.number().default(3),
        o: z.object({ k: z.string() }).default({ k: 'x' }),
      }),
    });
    expect(source).toContain('z._default(z.number(), 3)');
    // Compared without whitespace: the layout is the formatter's, the code is the printer's.
    expect(source.replace(/\s+/g, '')).toContain(
      "o:z._default(z.object({k:z.string(),}),{'k':'x'}),",
    );
  });

  it('refuse undefined as a whole event, and take it as an object key', () => {
    expect(failure(z.undefined()).code).toBe('NO_JSON_FORM');
    expect(failure(z.array(z.undefined())).message).toContain('events.bad at [number]');
    expect(() => generate({ ok: z.object({ gone: z.undefined().optional() }) })).not.toThrow();
  });

  it('point at dates and bigints with the codec to use', () => {
    expect(failure(z.date()).message).toContain('isoDate()');
    expect(failure(z.bigint()).message).toContain('bigintString()');
  });
});

describe('schemas with no printable form', () => {
  it.each([
    ['a refinement', z.string().refine((s) => s.length > 2)],
    ['a refinement', z.object({ a: z.number() }).superRefine(() => {})],
    ['a transforming check', z.string().trim()],
    ['a transform', z.string().transform((s) => s.length)],
    ['a transform', z.preprocess((v) => v, z.string())],
    [
      'a codec other than isoDate() and bigintString()',
      z.codec(z.string(), z.number(), { decode: Number, encode: String }),
    ],
    ['z.custom()', z.custom<string>((v) => typeof v === 'string')],
    ['.catch()', z.string().catch('x')],
    ['the custom string format "slug"', z.stringFormat('slug', (s) => /^[a-z-]+$/.test(s))],
    ['a default computed by a function', z.string().default(() => Math.random().toString())],
    ['a default computed by a function', isoDate().default(() => new Date())],
    ['a default computed by a function', z.number().default(() => Date.now())],
    ['a default computed by a function', z.string().default(() => new Date().toISOString())],
    ['a default computed by a function', z.string().default(() => crypto.randomUUID())],
    ['a default computed by a function', z.number().default(() => performance.now())],
  ])('refuse %s, naming the event and the path', (what, schema) => {
    const error = failure(z.object({ inner: z.object({ field: schema }) }), 'trade');
    expect(error.code).toBe('NOT_PRINTABLE');
    expect(error.message).toContain('events.trade at .inner.field');
    expect(error.message).toContain(what);
  });

  it('refuse zod options the printer does not know, rather than drop them', () => {
    const schema = z.array(z.string());
    (schema._zod.def as unknown as Record<string, unknown>).unique = true;
    expect(failure(schema)).toMatchObject({
      code: 'NOT_PRINTABLE',
      message: expect.stringContaining('the option "unique" of z.array()'),
    });
    expect(
      failure(z.discriminatedUnion('k', [z.object({ k: z.literal('a') })], { unionFallback: true }))
        .code,
    ).toBe('NOT_PRINTABLE');
  });

  it('name stream inputs and stream events as well', () => {
    const contract = defineContract({
      streams: {
        job: {
          input: z.object({ id: z.string() }),
          events: { 'step.done': z.object({ at: z.date() }) },
        },
      },
    });
    expect(() => generateClientModule(contract, { source: './x.ts' })).toThrow(
      /streams\.job\.events\.step\.done at \.at/,
    );
  });
});

describe('printed schemas', () => {
  it('keep descriptions as TSDoc, not as runtime metadata', () => {
    const source = generate({
      price: z
        .object({ at: isoDate().describe('When, as "ISO"') })
        .describe('A tick\nwith two lines'),
    });
    expect(source).toContain('/**\n * A tick\n * with two lines\n */\nexport interface Price {');
    expect(source).toContain('  /** When, as "ISO" */\n  at: Date;');
    expect(source).toContain('  at: isoDate(),\n');
    expect(source).not.toContain('z.describe(');
  });

  it('keep metadata beyond a description whole, description included', () => {
    const source = generate({ a: z.string().meta({ description: 'Text', title: 'A' }) });
    expect(source).toContain("z.string().check(z.meta({ description: 'Text', title: 'A' }))");
  });

  it('defuse a description that would close the comment', () => {
    expect(generate({ a: z.string().describe('ends */ here') })).toContain('/** ends *\\/ here */');
  });

  it('import the plain validators and @ssekit/client only, and print only the codecs in use', () => {
    const plain = generate({ a: z.string() });
    expect(plain).toContain("import * as z from '@ssekit/client/schema';");
    expect(plain).not.toMatch(/from '@ssekit\/core'|from 'zod'|from 'zod\/mini'/);
    expect(plain).not.toContain('function bigintString');
    const big = generate({ a: bigintString() });
    expect(big).toContain('function bigintString() {');
    expect(big).not.toContain('function isoDate');
  });

  it('fall back to zod/mini for a schema the plain validators do not cover, or when asked', () => {
    const union = generate({
      a: z.object({ b: z.tuple([z.string(), z.number()]) }),
      c: z.string(),
    });
    expect(union).toContain("import * as z from 'zod/mini';");
    expect(union).toContain('export const cSchema: z.ZodMiniType<C, CWire> = z.string();');
    const asked = generateClientModule(defineContract({ events: { a: z.string() } }), {
      source: './events.ts',
      validators: 'zod',
    });
    expect(asked).toContain("import * as z from 'zod/mini';");
    expect(asked).not.toContain('@ssekit/client/schema');
  });

  it("print isoDate() with zod's own datetime pattern, as a datetime string format", () => {
    const source = generate({ a: isoDate() });
    const printed = /z\.stringFormat\('datetime', \/(.+)\/\);/.exec(source)?.[1];
    const pattern = (z.iso.datetime({ offset: true })._zod.def as { pattern: RegExp }).pattern;
    expect(printed).toBe(pattern.source);
    expect(source).not.toMatch(/= z\.iso\.|\(z\.iso\./);
  });

  it('name a recursive schema after its meta id, or after where it was found', () => {
    const node: z.ZodType<unknown> = z.lazy(() => z.object({ next: node.optional() }));
    const tagged = z
      .object({
        get kids() {
          return z.array(tagged);
        },
      })
      .meta({ id: 'org-unit' });
    const source = generate({
      list: z.object({ head: node }),
      org: z.object({ root: tagged }),
      tree: tagged,
    });
    expect(source).toContain(
      'export const listHeadSchema: z.Schema<ListHead, ListHeadWire> = z.lazy(() =>',
    );
    expect(source).toContain('export interface OrgUnit {\n  kids: OrgUnit[];\n}');
    expect(source).toContain('root: orgUnitSchema,');
    // The schema of an event itself: the event's own names.
    expect(source).toContain('export const treeSchema: z.Schema<Tree, TreeWire> = orgUnitSchema;');
  });

  it('number names that would clash with the module or with globals', () => {
    const source = generate({ date: z.string(), eventName: z.string(), 'event-name': z.number() });
    expect(source).toContain('export type Date2 = string;');
    expect(source).toContain('export type EventName2 = string;');
    expect(source).toContain('export type EventName3 = number;');
    expect(source).toContain("'event-name': eventName3Schema,");
  });

  it('print an empty contract', () => {
    const source = generateClientModule(defineContract({}), { source: './x.ts' });
    expect(source).toContain('export const eventNames = [] as const;');
    expect(source).not.toContain("from 'zod'");
  });
});
