// @ssekit/core's public API, the half that @ssekit/server, @ssekit/client, the other packages and
// generated clients share: contracts and codecs, the publish rule, the SSE wire format, SseError.
export { bigintString } from './codecs/bigint-string.js';
export { codecOf, type SsekitCodec } from './codecs/codec-of.js';
export { CODEC_META_KEY, isoDate } from './codecs/iso-date.js';
export {
  type ClientEventSchemas,
  type ClientStreamDefinitions,
  type Contract,
  checkEventName,
  defineContract,
  EVENT_NAME_PATTERN,
  type EventSchemas,
  isContract,
  RESERVED_PREFIX,
  type StreamDefinition,
  type StreamDefinitions,
} from './contract/define.js';
export { pascalCase } from './contract/pascal-case.js';
export {
  checkEventSize,
  checkTopic,
  type EncodeBroadcastOptions,
  type EncodedEvent,
  encodeBroadcast,
} from './contract/publish.js';
export {
  type Input,
  isPlainSchema,
  type Output,
  type PlainSchema,
  type Schema,
  type StandardIssue,
  type StandardResult,
  type StandardSchemaV1,
} from './contract/schema.js';
export type {
  AnyClientContract,
  AnyContract,
  AnyEvent,
  EventData,
  EventName,
  EventWireData,
  StreamEvent,
  StreamEventData,
  StreamEventName,
  StreamInput,
  StreamName,
} from './contract/types.js';
export {
  type DecodeResult,
  decodeData,
  type EncodeResult,
  encodeData,
  encodeValue,
  toSseIssues,
} from './contract/validate.js';
export {
  formatIssues,
  fromSseErrorJson,
  isSseErrorJson,
  SseError,
  SseErrorCode,
  type SseErrorJson,
  type SseErrorOptions,
  type SseIssue,
  SseValidationError,
  toSseError,
} from './errors.js';
export {
  ControlEvent,
  encodeEndEvent,
  encodeErrorEvent,
  encodeResetEvent,
} from './wire/control.js';
export { encodeComment, encodeEvent, encodeRetry, type SseFrame } from './wire/encode.js';
export {
  compareEventIds,
  compareStreamIds,
  compareWireIds,
  createEpoch,
  type EventId,
  formatEventId,
  isStreamId,
  MAX_EVENT_ID_LENGTH,
  parseEventId,
  parseStreamId,
} from './wire/ids.js';
export {
  codePointLength,
  DEFAULT_MAX_EVENT_BYTES,
  MAX_FILTER_ENTRIES,
  MAX_RESUME_ID_LENGTH,
  MAX_TOPIC_LENGTH,
  utf8Length,
} from './wire/limits.js';
export { createParser, type ParsedEvent, type Parser, type ParserOptions } from './wire/parse.js';
