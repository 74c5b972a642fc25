// The OpenAPI document of a contract's endpoints, following the URL layout the server's router
// serves: the one builder behind the server's `{base}/openapi.json` and `ssekit generate --openapi`.
import { type AnyContract, MAX_TOPIC_LENGTH, pascalCase } from '@ssekit/core';
import {
  errorRef,
  errorResponses,
  OWN_SCHEMAS,
  ownSchemas,
  resumeParameters,
  resumeRefs,
} from './components.js';
import { buildComponentSchemas, type JsonSchema, type NamedSchema } from './json-schema.js';
import {
  type ItemEntry,
  type OpenApiVersion,
  resetEntry,
  streamEndEntries,
  streamResponse,
} from './sse-items.js';

export type { OpenApiVersion } from './sse-items.js';

/** Options of `createOpenApiDocument`. */
export interface OpenApiDocumentOptions {
  /** Where the router is mounted, such as `/sse`. @default '' (the root) */
  basePath?: string;
  /** `info.title`. @default 'Server-Sent Events API' */
  title?: string;
  /** `info.version`, the version of your API. @default '1.0.0' */
  version?: string;
  /**
   * The OpenAPI version to write. 3.2 describes an event stream as it is (`itemSchema`, each event's
   * `data` a string of JSON with its `contentSchema`). 3.1 is for the tools that do not read 3.2 yet
   * (`@apidevtools/swagger-parser`, `openapi-typescript`, most generators): each stream becomes an
   * array schema of its events, with `data` described parsed. @default '3.2.0'
   */
  openApiVersion?: OpenApiVersion;
}

/** An OpenAPI 3.2 (or, on request, 3.1) document, as plain JSON. */
export interface OpenApiDocument {
  openapi: OpenApiVersion;
  info: { title: string; version: string; description: string };
  tags: JsonSchema[];
  paths: Record<string, JsonSchema>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, JsonSchema>;
    parameters: Record<string, JsonSchema>;
  };
}

function normalizeBase(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The status each error response of `components.responses` travels with. */
const ERROR_STATUS = {
  BadRequest: '400',
  Unauthorized: '401',
  Forbidden: '403',
  PayloadTooLarge: '413',
  Unavailable: '503',
} as const;

const errors = (...names: (keyof typeof ERROR_STATUS)[]): JsonSchema =>
  Object.fromEntries(names.map((name) => [ERROR_STATUS[name], errorRef(name)]));

/**
 * The OpenAPI 3.2 document of a contract's endpoints, following the URL layout the router serves:
 * `GET {base}` (all broadcast events), `GET {base}/events/{name}`, `GET` and `POST
 * {base}/streams/{name}`. Each stream is a `text/event-stream` response whose `itemSchema` has one
 * entry per event, with the JSON Schema of the event's wire form as `contentSchema`. Keys come in a
 * fixed order, so the same contract gives the same JSON.
 *
 * @example
 * ```ts
 * app.get('/sse/openapi.json', (_req, res) => {
 *   res.json(createOpenApiDocument(contract, { basePath: '/sse', title: 'Market data' }));
 * });
 * ```
 * @see https://spec.openapis.org/oas/v3.2.0.html#special-considerations-for-server-sent-events
 */
export function createOpenApiDocument(
  contract: AnyContract,
  options: OpenApiDocumentOptions = {},
): OpenApiDocument {
  const base = normalizeBase(options.basePath ?? '');
  const openApiVersion = options.openApiVersion ?? '3.2.0';
  const eventNames = Object.keys(contract.events);
  const streamNames = Object.keys(contract.streams);

  const named: NamedSchema[] = [];
  for (const name of eventNames)
    named.push({ name: pascalCase(name), schema: contract.events[name]! });
  for (const name of streamNames) {
    const stream = contract.streams[name]!;
    named.push({ name: `${pascalCase(name)}Input`, schema: stream.input });
    for (const [event, schema] of Object.entries(stream.events)) {
      named.push({ name: `${pascalCase(name)}${pascalCase(event)}`, schema });
    }
  }
  const components = buildComponentSchemas(named, new Set(Object.values(OWN_SCHEMAS)));

  const describe = (schema: unknown): string | undefined => {
    const text = (schema as { description?: unknown }).description;
    return typeof text === 'string' ? text : undefined;
  };
  const broadcastEntry = (name: string): ItemEntry => ({
    event: name,
    data: components.ref(contract.events[name]!),
    description: describe(contract.events[name]),
    idRequired: true,
  });

  const paths: Record<string, JsonSchema> = {};
  paths[base === '' ? '/' : base] = {
    get: {
      operationId: 'subscribe',
      tags: ['events'],
      summary: 'Broadcast events, multiplexed on one stream',
      description:
        'One stream of the named broadcast events (all when `events` is absent). A `topic` narrows one event to the topics it names.',
      parameters: [
        {
          name: 'events',
          in: 'query',
          required: false,
          description: 'The events to receive, comma-separated. All when absent.',
          style: 'form',
          explode: false,
          schema: {
            type: 'array',
            items:
              eventNames.length > 0 ? { type: 'string', enum: eventNames } : { type: 'string' },
          },
        },
        {
          name: 'topic',
          in: 'query',
          required: false,
          description: 'Narrow one event to a topic, written `event:topic`; repeat for more.',
          style: 'form',
          explode: true,
          schema: {
            type: 'array',
            items:
              eventNames.length > 0
                ? { type: 'string', pattern: `^(?:${eventNames.map(escapeRegExp).join('|')}):.+$` }
                : { type: 'string' },
          },
        },
        ...resumeRefs(),
      ],
      responses: {
        '200': streamResponse(
          'The event stream.',
          [...eventNames.map(broadcastEntry), resetEntry()],
          openApiVersion,
        ),
        ...errors('BadRequest', 'Unauthorized', 'Forbidden', 'Unavailable'),
      },
    },
  };

  for (const name of eventNames) {
    const description = describe(contract.events[name]);
    paths[`${base}/events/${name}`] = {
      get: {
        operationId: `subscribe${pascalCase(name)}`,
        tags: ['events'],
        summary: `The \`${name}\` event`,
        ...(description === undefined ? {} : { description }),
        parameters: [
          {
            name: 'topic',
            in: 'query',
            required: false,
            description: 'Only events published with this topic; repeat for more.',
            style: 'form',
            explode: true,
            schema: {
              type: 'array',
              items: { type: 'string', minLength: 1, maxLength: MAX_TOPIC_LENGTH },
            },
          },
          ...resumeRefs(),
        ],
        responses: {
          '200': streamResponse(
            `A stream of \`${name}\` events.`,
            [broadcastEntry(name), resetEntry()],
            openApiVersion,
          ),
          ...errors('BadRequest', 'Unauthorized', 'Forbidden', 'Unavailable'),
        },
      },
    };
  }

  for (const name of streamNames) {
    const stream = contract.streams[name]!;
    const input = components.ref(stream.input);
    const inputOptional = stream.input._zod.optin !== undefined;
    const entries: ItemEntry[] = [
      ...Object.entries(stream.events).map(([event, schema]) => ({
        event,
        data: components.ref(schema),
        description: describe(schema),
        idRequired: false,
      })),
      ...streamEndEntries(),
    ];
    const common = {
      tags: ['streams'],
      summary: `The \`${name}\` RPC stream`,
      ...(stream.description === undefined ? {} : { description: stream.description }),
    };
    const responses = {
      '200': streamResponse(
        `The events of \`${name}\`, ended by \`ssekit.end\` or \`ssekit.error\`.`,
        entries,
        openApiVersion,
      ),
      ...errors('BadRequest', 'Unauthorized', 'Forbidden', 'PayloadTooLarge', 'Unavailable'),
    };
    paths[`${base}/streams/${name}`] = {
      get: {
        operationId: `stream${pascalCase(name)}`,
        ...common,
        parameters: [
          {
            name: 'input',
            in: 'query',
            required: !inputOptional,
            description: 'The stream input, as JSON.',
            content: { 'application/json': { schema: input } },
          },
          ...resumeRefs(),
        ],
        responses,
      },
      post: {
        operationId: `stream${pascalCase(name)}Post`,
        ...common,
        parameters: resumeRefs(),
        requestBody: {
          required: !inputOptional,
          description: 'The stream input.',
          content: { 'application/json': { schema: input } },
        },
        responses,
      },
    };
  }

  paths[`${base}/openapi.json`] = {
    get: {
      operationId: 'getOpenApiDocument',
      tags: ['meta'],
      summary: 'This document',
      responses: {
        '200': {
          description: `The OpenAPI ${openApiVersion.slice(0, 3)} document of these endpoints.`,
          content: { 'application/json': { schema: { type: 'object' } } },
        },
      },
    },
  };

  return {
    openapi: openApiVersion,
    info: {
      title: options.title ?? 'Server-Sent Events API',
      version: options.version ?? '1.0.0',
      description:
        'Typed Server-Sent Events served by ssekit. Each event carries its data as one line of JSON in `data`; ids resume a stream through `Last-Event-ID`.',
    },
    tags: [
      { name: 'events', description: 'Broadcast events: publish once, every subscriber gets it.' },
      {
        name: 'streams',
        description: 'RPC streams: one request with typed input, one stream back.',
      },
      { name: 'meta', description: 'About the API itself.' },
    ],
    paths,
    components: {
      schemas: { ...components.schemas, ...ownSchemas() },
      responses: errorResponses(),
      parameters: resumeParameters(),
    },
  };
}
