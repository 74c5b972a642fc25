import {
  type AnyClientContract,
  type AnyContract,
  encodeValue,
  type Schema,
  type StandardResult,
} from '@ssekit/core';
import { comparableIssue } from '@ssekit/test-kit';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { payloads } from './arbitraries.js';
import * as edgeClient from './fixtures/edge.client.js';
import { contract as edge } from './fixtures/edge.js';
import * as marketClient from './fixtures/market.client.js';
import { contract as market } from './fixtures/market.js';
import * as plainClient from './fixtures/plain.client.js';
import { contract as plain } from './fixtures/plain.js';
import * as plainZodClient from './fixtures/plain.zod.client.js';

/** Runs per schema: a few hundred in CI; raise it locally with SSEKIT_PROPERTY_RUNS=5000. */
const RUNS = Number(process.env.SSEKIT_PROPERTY_RUNS ?? 200);

/** Every schema of a contract, by where it sits: `events.price`, `streams.buildLog.input`… */
function schemasOf<T extends Schema = z.core.$ZodType>(
  contract: AnyClientContract,
): Map<string, T> {
  const entries = new Map<string, T>();
  for (const [name, schema] of Object.entries(contract.events))
    entries.set(`events.${name}`, schema as T);
  for (const [name, stream] of Object.entries(contract.streams)) {
    entries.set(`streams.${name}.input`, stream.input as T);
    for (const [event, schema] of Object.entries(stream.events)) {
      entries.set(`streams.${name}.events.${event}`, schema as T);
    }
  }
  return entries;
}

const shapeOf = (schema: z.core.$ZodType) =>
  (schema._zod.def as { type: string; shape?: Record<string, z.core.$ZodType> }).shape;

/**
 * Pairs of (original, generated) schemas: each top-level schema, and each key of an object schema on
 * its own (`events.price.at`), since one bad key makes a whole object fail: keys alone are where most
 * accepted payloads come from.
 */
function pairs(
  original: AnyContract,
  generated: AnyContract,
): [string, z.core.$ZodType, z.core.$ZodType][] {
  const rebuilt = schemasOf(generated);
  const result: [string, z.core.$ZodType, z.core.$ZodType][] = [];
  for (const [where, schema] of schemasOf(original)) {
    const twin = rebuilt.get(where)!;
    result.push([where, schema, twin]);
    const [shape, twinShape] = [shapeOf(schema), shapeOf(twin)];
    if (!shape || !twinShape) continue;
    for (const key of Object.keys(shape))
      result.push([`${where}.${key}`, shape[key]!, twinShape[key]!]);
  }
  return result;
}

/** The outcome of an encode, thrown errors included (`z.success()` cannot encode, for one). */
function encoded(
  schema: z.core.$ZodType,
  value: unknown,
): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: z.encode(schema, value as never) };
  } catch {
    return { ok: false };
  }
}

/** Both accept or both refuse; when they accept, they decode to the same value and encode it back alike. */
function agree(original: z.core.$ZodType, generated: z.core.$ZodType, payload: unknown): void {
  const a = z.safeDecode(original, payload as never);
  const b = z.safeDecode(generated, payload as never);
  expect(b.success, JSON.stringify(a.success ? 'accepted' : a.error.issues)).toBe(a.success);
  if (a.success && b.success) {
    expect(b.data).toEqual(a.data);
    expect(encoded(generated, b.data)).toEqual(encoded(original, a.data));
  }
}

describe.each([
  ['market', market, marketClient.contract],
  ['edge', edge, edgeClient.contract],
  ['plain', plain, plainZodClient.contract],
] as const)(
  'generated validators of the %s contract agree with the original zod schemas',
  { timeout: 120_000 },
  (_, original, generated) => {
    it('cover the same events, streams and stream events', () => {
      expect([...schemasOf(generated).keys()]).toEqual([...schemasOf(original).keys()]);
    });

    it.each(pairs(original, generated))('%s', (_where, source, rebuilt) => {
      fc.assert(
        fc.property(payloads(source), (payload) => agree(source, rebuilt, payload)),
        { numRuns: RUNS },
      );
    });
  },
);

/**
 * The plain validators against zod/mini printed from the same contract: the same verdict, the same
 * decoded value, the same issues (code, path and every field of the code, in order) and the same
 * encoding back. Messages are the plain validators' own (zod/mini has none without a locale).
 */
function agreeWithZod(zodMini: z.core.$ZodType, own: Schema, payload: unknown): void {
  const a = zodMini['~standard'].validate(payload) as StandardResult<unknown>;
  const b = own['~standard'].validate(payload) as StandardResult<unknown>;
  if (a.issues) {
    expect(b.issues?.map(comparableIssue), JSON.stringify(payload)).toEqual(
      a.issues.map(comparableIssue),
    );
    for (const issue of b.issues ?? []) expect(issue.message).toMatch(/\S/);
    return;
  }
  expect(b.issues, JSON.stringify(payload)).toBeUndefined();
  expect(b.value).toEqual(a.value);
  expect(encodeValue(own, b.value)).toEqual(encodeValue(zodMini, a.value));
}

describe('the plain validators of @ssekit/client/schema', { timeout: 120_000 }, () => {
  it('are what ssekit generate prints for a contract they cover', () => {
    expect(plainClient.contract.events.strings).not.toHaveProperty('_zod');
    expect(plainZodClient.contract.events.strings).toHaveProperty('_zod');
  });

  const zodMini = schemasOf(plainZodClient.contract);
  const own = schemasOf<Schema>(plainClient.contract);
  it.each([...schemasOf(plain)])(
    '%s: decode, report and encode as zod/mini does',
    (where, original) => {
      fc.assert(
        fc.property(payloads(original), (payload) =>
          agreeWithZod(zodMini.get(where)!, own.get(where)!, payload),
        ),
        { numRuns: RUNS * 2 },
      );
    },
  );
});
