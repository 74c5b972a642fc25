// A Next.js route handler module, as `app/sse/[[...path]]/route.ts` would hold it: the HTTP methods
// as exports, each the Fetch handler. Next.js passes `(request, { params })`; the handler reads the
// path from the request's URL and ignores the rest.
import { sse } from './next-sse.js';

export const GET = sse.fetch;
export const HEAD = sse.fetch;
export const POST = sse.fetch;
// SSE streams must not be cached or rendered at build time.
export const dynamic = 'force-dynamic';
