// The memory bounds of one server, resolved from its options once: per connection, in total, and
// per event. Checked together because each only makes sense relative to the others.
import { getHeapStatistics } from 'node:v8';
import { DEFAULT_MAX_EVENT_BYTES, SseError, SseErrorCode } from '@ssekit/core';

export interface BufferBounds {
  readonly maxBufferedBytes: number;
  readonly maxTotalBufferedBytes: number;
  readonly maxEventBytes: number;
}

const MAX_DEFAULT_TOTAL_BYTES = 512 * 1024 * 1024;

function invalid(message: string): never {
  throw new SseError(SseErrorCode.INVALID_CONTRACT, `Invalid option: ${message}`);
}

function checkSize(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) invalid(`${name} must be a positive integer`);
  return value;
}

/**
 * Resolve `maxBufferedBytes`, `maxTotalBufferedBytes` and `maxEventBytes`.
 * @throws SseError when one is not a positive integer, or `maxEventBytes` is over half of
 * `maxBufferedBytes` (such an event could close a reader that keeps up).
 */
export function resolveBufferBounds(options: {
  readonly maxBufferedBytes?: number | undefined;
  readonly maxTotalBufferedBytes?: number | undefined;
  readonly maxEventBytes?: number | undefined;
}): BufferBounds {
  const maxBufferedBytes = checkSize('maxBufferedBytes', options.maxBufferedBytes ?? 1024 * 1024);
  const maxTotalBufferedBytes = checkSize(
    'maxTotalBufferedBytes',
    options.maxTotalBufferedBytes ??
      Math.min(MAX_DEFAULT_TOTAL_BYTES, Math.floor(getHeapStatistics().heap_size_limit / 4)),
  );
  const maxEventBytes = checkSize(
    'maxEventBytes',
    options.maxEventBytes ?? Math.min(DEFAULT_MAX_EVENT_BYTES, Math.floor(maxBufferedBytes / 4)),
  );
  if (maxEventBytes > maxBufferedBytes / 2) {
    invalid(
      `maxEventBytes (${maxEventBytes}) must be at most half of maxBufferedBytes (${maxBufferedBytes})`,
    );
  }
  return { maxBufferedBytes, maxTotalBufferedBytes, maxEventBytes };
}
