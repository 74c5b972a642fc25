import {
  type AnyContract,
  checkEventSize,
  encodeData,
  MAX_RESUME_ID_LENGTH,
  SseError,
  SseErrorCode,
} from '@ssekit/core';

/** One yield of an RPC stream handler, checked and encoded: what goes on the wire. */
export interface EncodedYield {
  readonly event: string;
  /** The encoded data, one line of JSON. */
  readonly data: string;
  readonly id: string | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Check one value an RPC stream handler yielded against the stream's event schemas and encode it
 * (`z.encode`, then JSON). The SSE endpoint and `@ssekit/trpc` both run handlers through this, so a
 * yield is accepted or refused the same way on either.
 *
 * @throws SseError `VALIDATION_FAILED` for an unknown event or data that fails its schema,
 * `EVENT_TOO_LARGE` past `maxEventBytes` (the same bound as a broadcast publish).
 */
export function encodeStreamYield(
  contract: AnyContract,
  stream: string,
  item: unknown,
  options: { readonly maxEventBytes?: number | undefined } = {},
): EncodedYield {
  const schemas = contract.streams[stream]?.events;
  if (
    !schemas ||
    !isObject(item) ||
    typeof item.event !== 'string' ||
    !Object.hasOwn(schemas, item.event)
  ) {
    throw new SseError(
      SseErrorCode.VALIDATION_FAILED,
      `Stream "${stream}" yielded an unknown event`,
      {
        event: stream,
      },
    );
  }
  const data = encodeData(schemas[item.event]!, item.data, `${stream}.${item.event}`);
  const id = typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
  if (id !== undefined && id.length > MAX_RESUME_ID_LENGTH) {
    // The client sends it back as Last-Event-ID, which servers bound to this length.
    throw new SseError(
      SseErrorCode.VALIDATION_FAILED,
      `Stream "${stream}" yielded an id longer than ${MAX_RESUME_ID_LENGTH} characters`,
      { event: stream },
    );
  }
  checkEventSize(
    `${stream}.${item.event}`,
    data,
    item.event.length + (id?.length ?? 0),
    options.maxEventBytes,
  );
  return { event: item.event, data, id };
}
