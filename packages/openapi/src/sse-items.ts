// How a `text/event-stream` response is described: OpenAPI 3.2's `itemSchema`, one entry per event
// with `data` as JSON text, or, for 3.1 tools, an array schema of the events with `data` parsed.
import { ControlEvent } from '@ssekit/core';
import { OWN_SCHEMAS, schemaRef } from './components.js';
import type { JsonSchema } from './json-schema.js';

/** One kind of event a stream carries: its name, the JSON Schema of its `data`, and docs. */
export interface ItemEntry {
  readonly event: string;
  readonly data: JsonSchema;
  readonly description?: string | undefined;
  /** Whether every such event has an `id` (broadcast events do; RPC stream events may). */
  readonly idRequired: boolean;
}

/**
 * One event of a stream as a JSON Schema object: its name as a constant, its id, and `data` as the
 * caller describes it (3.2: JSON text; 3.1: the parsed value). The one shape of both versions.
 */
function eventItem(
  entry: ItemEntry,
  properties: { readonly event: JsonSchema; readonly data: JsonSchema },
): JsonSchema {
  const required = entry.idRequired ? ['event', 'data', 'id'] : ['event', 'data'];
  return {
    type: 'object',
    title: entry.event,
    ...(entry.description === undefined ? {} : { description: entry.description }),
    required,
    properties: {
      event: properties.event,
      id: {
        type: 'string',
        description: 'The event id: send it back as `Last-Event-ID` to resume after it.',
      },
      data: properties.data,
    },
  };
}

/**
 * One entry of an `itemSchema`'s `oneOf`: [OpenAPI 3.2, Media Type Examples, "Server-Sent Event
 * Streams"] `data` is a string whose content is JSON, described with `contentMediaType` and
 * `contentSchema` (the wire form of the event's schema).
 */
const item = (entry: ItemEntry): JsonSchema =>
  eventItem(entry, {
    event: { const: entry.event },
    data: { type: 'string', contentMediaType: 'application/json', contentSchema: entry.data },
  });

/**
 * The `itemSchema` of a `text/event-stream` response: the generic event schema narrowed to one entry
 * per event name, as the specification's example does. The example puts `$ref` beside `oneOf`; an
 * `allOf` says the same in 2020-12 and also suits tools that replace a `$ref` object whole.
 */
export function itemSchema(entries: readonly ItemEntry[]): JsonSchema {
  return {
    allOf: [schemaRef(OWN_SCHEMAS.event)],
    required: ['event'],
    oneOf: entries.map(item),
  };
}

/** `ssekit.reset`, which any broadcast stream may carry after a resume it could not honour. */
export const resetEntry = (): ItemEntry => ({
  event: ControlEvent.RESET,
  data: schemaRef(OWN_SCHEMAS.reset),
  description: 'The server could not resume from the id sent: resynchronise, live events follow.',
  idRequired: true,
});

/** `ssekit.error` and `ssekit.end`, which close every RPC stream. */
export const streamEndEntries = (): ItemEntry[] => [
  {
    event: ControlEvent.ERROR,
    data: schemaRef(OWN_SCHEMAS.streamError),
    description: 'The stream failed; it ends here and the client does not reconnect.',
    idRequired: false,
  },
  {
    event: ControlEvent.END,
    data: schemaRef(OWN_SCHEMAS.streamEnd),
    description: 'The stream finished; the client does not reconnect.',
    idRequired: false,
  },
];

/**
 * One entry for an OpenAPI 3.1 document, which has no `itemSchema`: `data` is described parsed (the
 * event's schema itself), since 3.1 tools (openapi-typescript, swagger-parser) read a schema there
 * and drop `contentSchema`. The wire form is still one line of JSON text: the description says so.
 */
const decodedItem = (entry: ItemEntry): JsonSchema =>
  eventItem(entry, {
    event: { type: 'string', const: entry.event },
    data: {
      description: 'Sent as one line of JSON text in the `data:` field; this is that JSON parsed.',
      allOf: [entry.data],
    },
  });

/** Which OpenAPI version a document is written for. */
export type OpenApiVersion = '3.2.0' | '3.1.0';

/**
 * A `200` response that is an event stream with these events. OpenAPI 3.2 describes it with
 * `itemSchema`; 3.1 has none, so there the stream is a `schema` of type array, one item per event,
 * with `x-ssekit-stream: 'sse'` saying that the items arrive as Server-Sent Events.
 */
export function streamResponse(
  description: string,
  entries: readonly ItemEntry[],
  version: OpenApiVersion = '3.2.0',
): JsonSchema {
  const content =
    version === '3.2.0'
      ? { itemSchema: itemSchema(entries) }
      : {
          schema: {
            type: 'array',
            description: 'The stream, one item per Server-Sent Event (`text/event-stream`).',
            items: { oneOf: entries.map(decodedItem) },
          },
          'x-ssekit-stream': 'sse',
        };
  return {
    description,
    headers: {
      'Cache-Control': { schema: { type: 'string', const: 'no-cache, no-transform' } },
    },
    content: { 'text/event-stream': content },
  };
}
