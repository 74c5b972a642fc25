// `GET {base}/openapi.json`: who may read the document (the `openapi` option), and the document
// itself, built by @ssekit/openapi once per mount path.
import { SseError, SseErrorCode } from '@ssekit/core';
import { createOpenApiDocument } from '@ssekit/openapi';
import type { Request, Response } from 'express';
import type { OpenApiRouteOptions, SseServerBaseOptions } from '../types.js';
import { authorizeRequest } from './access.js';
import { type RouteContext, refuse } from './events-route.js';

/** The `openapi` option in its long form: a string or `false` says only who may read it. */
function routeOptions(option: SseServerBaseOptions['openapi']): OpenApiRouteOptions | false {
  if (option === false) return false;
  if (option === undefined || typeof option === 'string') return { access: option ?? 'authorized' };
  return option;
}

/** The handler of `GET {base}/openapi.json`. */
export function openApiRoute(ctx: RouteContext): (req: Request, res: Response) => Promise<void> {
  const route = routeOptions(ctx.options.openapi);
  // The document depends only on the contract, these options and the mount path: built once per path.
  const documents = new Map<string, string>();
  return async (req, res) => {
    try {
      if (route === false) {
        throw new SseError(SseErrorCode.BAD_REQUEST, 'No OpenAPI document is served here', {
          status: 404,
        });
      }
      if ((route.access ?? 'authorized') === 'authorized') {
        await authorizeRequest(ctx.options, req, { type: 'openapi' });
      }
    } catch (error) {
      refuse(ctx, res, error);
      return;
    }
    const basePath = req.baseUrl;
    let json = documents.get(basePath);
    if (json === undefined) {
      const { access: _access, ...document } = route;
      json = JSON.stringify(createOpenApiDocument(ctx.contract, { ...document, basePath }));
      if (documents.size < 16) documents.set(basePath, json);
    }
    res.type('application/json').send(json);
  };
}
