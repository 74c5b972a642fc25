// What a contract is and how it is made: `defineContract` checks every event and stream name and
// schema at startup, with the name rules (pattern, reserved `ssekit.` prefix, the control events).
import type { z } from 'zod';
import { SseError, SseErrorCode } from '../errors.js';
import type { Schema } from './schema.js';

/**
 * Event names as the contract declares them: a zod schema per name, any zod 4 schema, classic
 * (`zod`) or `zod/mini`.
 */
export type EventSchemas = { readonly [name: string]: z.core.$ZodType };

/**
 * The event schemas a client can work with: zod's, or the plain validators of
 * `@ssekit/client/schema` that a generated client may use instead of zod/mini.
 */
export type ClientEventSchemas = { readonly [name: string]: Schema };

/** One RPC stream: the schema of its input and the events it yields. */
export interface StreamDefinition<
  TInput extends Schema = z.core.$ZodType,
  TEvents extends ClientEventSchemas = EventSchemas,
> {
  readonly input: TInput;
  readonly events: TEvents;
  /** Shown in the OpenAPI document and as TSDoc in generated clients. */
  readonly description?: string;
}

export type StreamDefinitions = { readonly [name: string]: StreamDefinition };

/** The stream definitions a client can work with: zod's schemas or plain validators. */
export type ClientStreamDefinitions = {
  readonly [name: string]: StreamDefinition<Schema, ClientEventSchemas>;
};

/** A checked contract: the one place where event schemas live. Create it with `defineContract`. */
export interface Contract<
  TEvents extends ClientEventSchemas = EventSchemas,
  TStreams extends ClientStreamDefinitions = StreamDefinitions,
> {
  readonly events: TEvents;
  readonly streams: TStreams;
  /** Brand, so that codegen can find contracts among a module's exports. */
  readonly '~ssekit': 'contract';
}

/** Allowed names: [spec] any field value without CR/LF works on the wire; URLs and code want less. */
export const EVENT_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]*$/;
/** Names starting with this prefix are reserved for the control events (wire/control.ts). */
export const RESERVED_PREFIX = 'ssekit.';

/** Check one name; the error names the key and says what is wrong with it. */
export function checkEventName(name: string, where: string): void {
  if (!EVENT_NAME_PATTERN.test(name)) {
    throw new SseError(
      SseErrorCode.INVALID_CONTRACT,
      `Invalid name ${JSON.stringify(name)} in ${where}: names must match ${EVENT_NAME_PATTERN}`,
    );
  }
  if (name.toLowerCase().startsWith(RESERVED_PREFIX)) {
    throw new SseError(
      SseErrorCode.INVALID_CONTRACT,
      `Invalid name ${JSON.stringify(name)} in ${where}: names starting with "${RESERVED_PREFIX}" are reserved`,
    );
  }
}

function isZodSchema(value: unknown): value is z.core.$ZodType {
  return typeof value === 'object' && value !== null && '_zod' in value;
}

function checkSchemas(schemas: unknown, where: string): void {
  if (typeof schemas !== 'object' || schemas === null) {
    throw new SseError(SseErrorCode.INVALID_CONTRACT, `${where} must be an object of zod schemas`);
  }
  for (const [name, schema] of Object.entries(schemas)) {
    checkEventName(name, where);
    if (!isZodSchema(schema)) {
      throw new SseError(SseErrorCode.INVALID_CONTRACT, `${where}.${name} is not a zod schema`);
    }
  }
}

/**
 * Declare the events and RPC streams of an app, once. Names are checked here, so a bad key fails at
 * startup with its name in the message, not on the first publish.
 *
 * @example
 * ```ts
 * export const contract = defineContract({
 *   events: { price: z.object({ symbol: z.string(), price: z.number(), at: isoDate() }) },
 *   streams: {
 *     buildLog: {
 *       input: z.object({ buildId: z.string() }),
 *       events: { line: z.object({ text: z.string() }), done: z.object({ ok: z.boolean() }) },
 *     },
 *   },
 * });
 * ```
 * @throws SseError `INVALID_CONTRACT`, naming the bad key.
 */
export function defineContract<
  const TEvents extends EventSchemas = {},
  const TStreams extends StreamDefinitions = {},
>(definition: { events?: TEvents; streams?: TStreams }): Contract<TEvents, TStreams> {
  const events = definition.events ?? ({} as TEvents);
  const streams = definition.streams ?? ({} as TStreams);
  checkSchemas(events, 'events');
  if (typeof streams !== 'object' || streams === null) {
    throw new SseError(SseErrorCode.INVALID_CONTRACT, 'streams must be an object');
  }
  for (const [name, stream] of Object.entries(streams)) {
    checkEventName(name, 'streams');
    if (typeof stream !== 'object' || stream === null || !isZodSchema(stream.input)) {
      throw new SseError(
        SseErrorCode.INVALID_CONTRACT,
        `streams.${name}.input is not a zod schema`,
      );
    }
    checkSchemas(stream.events, `streams.${name}.events`);
  }
  return Object.freeze({ events, streams, '~ssekit': 'contract' as const });
}

/** Whether a value is a contract made by `defineContract` (codegen uses it to find exports). */
export function isContract(value: unknown): value is Contract {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { '~ssekit'?: unknown })['~ssekit'] === 'contract'
  );
}
