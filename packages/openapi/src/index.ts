// @ssekit/openapi: the OpenAPI document of an ssekit contract's Server-Sent Events endpoints, used by
// the server's `{base}/openapi.json` route and by `ssekit generate --openapi`.
export {
  createOpenApiDocument,
  type OpenApiDocument,
  type OpenApiDocumentOptions,
  type OpenApiVersion,
} from './document.js';
