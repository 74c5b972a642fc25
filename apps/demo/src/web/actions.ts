// The page's client-to-server half: a tRPC client typed by the server's router.
import { createTRPCClient, httpLink } from '@trpc/client';
import type { AppRouter } from '../server/router.js';

/**
 * The client-to-server half, over tRPC: `actions.placeOrder.mutate({ symbol, side, qty })`, typed by
 * the server's router (a type-only import: no server code reaches the bundle).
 */
export const actions = createTRPCClient<AppRouter>({
  links: [httpLink({ url: '/trpc' })],
});
