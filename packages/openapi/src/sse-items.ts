// How a `text/event-stream` response is described: OpenAPI 3.2's `itemSchema`, one entry per event
// with `data` as JSON text, or, for 3.1 tools, a `schema` of one event with `data` as its JSON value.
import { ControlEvent } from '@ssekit/core';
import { OWN_SCHEMAS, schemaRef } from './components.js';
import type { JsonSchema } from './json-schema.js';

/**
 * The OpenAPI version of the document: `'3.2'` describes event streams as the specification does
 * (`itemSchema`); `'3.1'` in a form that tools without 3.2 support read (see `streamResponse`).
 */
export type OpenApiVersion = '3.1' | '3.2';

/** One kind of event a stream carries: its name, the JSON Schema of its `data`, and docs. */
export interface ItemEntry {
  readonly event: string;
  readonly data: JsonSchema;
  readonly description?: string | undefined;
  /** Whether every such event has an `id` (broadcast events do; RPC stream events may). */
  readonly idRequired: boolean;
}

/**
 * 3.1 only. On the `text/event-stream` media type: its `schema` describes each event of the stream,
 * as 3.2's `itemSchema` does, not the body as a whole.
 */
export const ITEM_SCHEMA_EXTENSION = 'x-ssekit-item-schema';
/**
 * 3.1 only. On each event of that schema: `data` travels as text of this media type (one line of
 * JSON); the schema given for `data` is that of the parsed value.
 */
export const DATA_MEDIA_TYPE_EXTENSION = 'x-ssekit-data-media-type';

/**
 * One event of a stream. [OpenAPI 3.2, Media Type Examples, "Server-Sent Event Streams"] `data` is a
 * string whose content is JSON, described with `contentMediaType` and `contentSchema` (the wire form
 * of the event's schema). For 3.1, `data` is the parsed value's schema itself, which tools that
 * ignore `contentSchema` still type, and an extension says it travels as JSON text.
 */
function item(entry: ItemEntry, version: OpenApiVersion): JsonSchema {
  const required = entry.idRequired ? ['event', 'data', 'id'] : ['event', 'data'];
  return {
    type: 'object',
    title: entry.event,
    ...(entry.description === undefined ? {} : { description: entry.description }),
    required,
    properties: {
      event: version === '3.2' ? { const: entry.event } : { type: 'string', const: entry.event },
      id: {
        type: 'string',
        description: 'The event id: send it back as `Last-Event-ID` to resume after it.',
      },
      data:
        version === '3.2'
          ? { type: 'string', contentMediaType: 'application/json', contentSchema: entry.data }
          : entry.data,
    },
    ...(version === '3.2' ? {} : { [DATA_MEDIA_TYPE_EXTENSION]: 'application/json' }),
  };
}

/**
 * The `itemSchema` of a `text/event-stream` response: the generic event schema narrowed to one entry
 * per event name, as the specification's example does. The example puts `$ref` beside `oneOf`; an
 * `allOf` says the same in 2020-12 and also suits tools that replace a `$ref` object whole.
 */
function itemSchema(entries: readonly ItemEntry[]): JsonSchema {
  return {
    allOf: [schemaRef(OWN_SCHEMAS.event)],
    required: ['event'],
    oneOf: entries.map((entry) => item(entry, '3.2')),
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
 * The `text/event-stream` media type of a stream. 3.2: `itemSchema`. 3.1 has no way to describe the
 * items of a stream, so, as tools that generate SSE clients from 3.1 documents read it, `schema` is
 * one event (a `oneOf` by event name), marked with `x-ssekit-item-schema`.
 */
function eventStreamMedia(entries: readonly ItemEntry[], version: OpenApiVersion): JsonSchema {
  switch (version) {
    case '3.2':
      return { itemSchema: itemSchema(entries) };
    case '3.1':
      return {
        schema: {
          description:
            'One event of the stream: the body is a sequence of these as `text/event-stream` frames, `data` being one line of JSON.',
          oneOf: entries.map((entry) => item(entry, '3.1')),
        },
        [ITEM_SCHEMA_EXTENSION]: true,
      };
  }
}

/** A `200` response that is an event stream of these events. */
export function streamResponse(
  description: string,
  entries: readonly ItemEntry[],
  version: OpenApiVersion,
): JsonSchema {
  return {
    description,
    headers: {
      'Cache-Control': { schema: { type: 'string', const: 'no-cache, no-transform' } },
    },
    content: { 'text/event-stream': eventStreamMedia(entries, version) },
  };
}
