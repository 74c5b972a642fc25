// @ssekit/openapi: the OpenAPI document of an ssekit contract's Server-Sent Events endpoints, used by
// the server's `{base}/openapi.json` route and by `ssekit generate --openapi`.
export {
  createOpenApiDocument,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
} from './document.js';
export {
  DATA_MEDIA_TYPE_EXTENSION,
  ITEM_SCHEMA_EXTENSION,
  type OpenApiVersion,
} from './sse-items.js';
