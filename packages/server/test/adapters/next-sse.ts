// A Next.js app's `lib/sse.ts`: the one server of the app, which route modules and publishers import.
import { createSseServer } from '../../src/index.js';
import { contract, fixtureOptions } from './fixture.js';

export const sse = createSseServer(
  contract,
  fixtureOptions<Request>((request, name) => request.headers.get(name)),
);
