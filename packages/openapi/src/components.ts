// The parts of the document that ssekit itself defines, whatever the contract: the generic event,
// the JSON error body, the control events' data, the error responses and the resume parameters.
import { ControlEvent, MAX_RESUME_ID_LENGTH, SseErrorCode } from '@ssekit/core';
import type { JsonSchema } from './json-schema.js';

/** ssekit's own component names; a contract name that equals one gets a number. */
export const OWN_SCHEMAS = {
  event: 'SsekitEvent',
  errorBody: 'SsekitErrorBody',
  issue: 'SsekitIssue',
  reset: 'SsekitReset',
  streamError: 'SsekitStreamError',
  streamEnd: 'SsekitStreamEnd',
} as const;

export const schemaRef = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

const RESET_REASONS = ['too-old', 'unknown-epoch', 'malformed'];

const issue: JsonSchema = {
  type: 'object',
  description: 'One validation problem.',
  required: ['code', 'path', 'message'],
  properties: {
    code: { type: 'string' },
    path: { type: 'array', items: { type: ['string', 'integer'] } },
    message: { type: 'string' },
  },
};

const code: JsonSchema = {
  type: 'string',
  description: 'A stable error code; see the README for what each means.',
  enum: Object.values(SseErrorCode),
};

/**
 * The schemas ssekit itself defines: the generic `text/event-stream` event of OpenAPI 3.2's
 * "Special Considerations for `text/event-stream` Content", the JSON error body, and the data of
 * the control events.
 */
export function ownSchemas(): Record<string, JsonSchema> {
  return {
    [OWN_SCHEMAS.event]: {
      type: 'object',
      description: 'One Server-Sent Event, as the `text/event-stream` parser dispatches it.',
      required: ['data'],
      properties: {
        data: { type: 'string' },
        event: { type: 'string' },
        id: { type: 'string' },
        retry: { type: 'integer', minimum: 0 },
      },
    },
    [OWN_SCHEMAS.errorBody]: {
      type: 'object',
      description: 'The body of every error answered before a stream starts.',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code,
            message: { type: 'string' },
            event: { type: 'string', description: 'The event or stream the error concerns.' },
            issues: { type: 'array', items: schemaRef(OWN_SCHEMAS.issue) },
          },
        },
      },
    },
    [OWN_SCHEMAS.issue]: issue,
    [OWN_SCHEMAS.reset]: {
      type: 'object',
      description: `The data of \`${ControlEvent.RESET}\`: the server could not resume from the id the client sent, so the app must resynchronise; live events follow.`,
      required: ['reason'],
      properties: { reason: { type: 'string', enum: RESET_REASONS } },
    },
    [OWN_SCHEMAS.streamError]: {
      type: 'object',
      description: `The data of \`${ControlEvent.ERROR}\`: the RPC stream failed and ends; clients do not reconnect.`,
      required: ['code', 'message'],
      properties: {
        code,
        message: { type: 'string' },
        issues: { type: 'array', items: schemaRef(OWN_SCHEMAS.issue) },
      },
    },
    [OWN_SCHEMAS.streamEnd]: {
      type: 'object',
      description: `The data of \`${ControlEvent.END}\`: the RPC stream finished; clients do not reconnect.`,
    },
  };
}

const jsonError = (description: string, headers?: JsonSchema): JsonSchema => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: schemaRef(OWN_SCHEMAS.errorBody) } },
});

/** `components.responses`: the errors answered before any stream byte, as JSON. */
export function errorResponses(): Record<string, JsonSchema> {
  return {
    BadRequest: jsonError(
      'The request is malformed (BAD_REQUEST), names an unknown event (UNKNOWN_EVENT) or stream (UNKNOWN_STREAM), or its input failed its schema (INVALID_INPUT).',
    ),
    Unauthorized: jsonError(
      '`authorize` refused: no credentials, or credentials that were not accepted (UNAUTHORIZED).',
    ),
    Forbidden: jsonError('`authorize` refused: the caller may not see this (FORBIDDEN).'),
    PayloadTooLarge: jsonError('The stream input passed its size bound (PAYLOAD_TOO_LARGE).'),
    Unavailable: jsonError(
      'The connection limit was reached (TOO_MANY_CONNECTIONS) or the server is shutting down (SERVER_CLOSING).',
      {
        'Retry-After': {
          description: 'Seconds to wait before connecting again.',
          schema: { type: 'integer', minimum: 0 },
        },
      },
    ),
  };
}

/** `components.parameters`: the resume position, as the header and as the query parameter. */
export function resumeParameters(): Record<string, JsonSchema> {
  return {
    LastEventIdHeader: {
      name: 'Last-Event-ID',
      in: 'header',
      required: false,
      description:
        'Resume after this event id: missed events that match the request are replayed first. Wins over the `lastEventId` parameter.',
      schema: { type: 'string', maxLength: MAX_RESUME_ID_LENGTH },
    },
    LastEventIdQuery: {
      name: 'lastEventId',
      in: 'query',
      required: false,
      description:
        'The same as the `Last-Event-ID` header, for clients that cannot set headers (a browser `EventSource` opening a new URL).',
      schema: { type: 'string', maxLength: MAX_RESUME_ID_LENGTH },
    },
  };
}

export const errorRef = (name: string): JsonSchema => ({ $ref: `#/components/responses/${name}` });

export const resumeRefs = (): JsonSchema[] => [
  { $ref: '#/components/parameters/LastEventIdHeader' },
  { $ref: '#/components/parameters/LastEventIdQuery' },
];
