// The type of the page's client, for the modules that take one.
import type { SseClient } from '@ssekit/client';
import type { AppContract } from './client.generated.js';

/** The page's typed client, as `createClient` from the generated module returns it. */
export type MarketClient = SseClient<AppContract>;
