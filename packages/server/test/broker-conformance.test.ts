import { MemoryBroker } from '@ssekit/server';
import { describeBrokerConformance } from './broker-conformance.js';

describeBrokerConformance('memory', {
  create: ({ maxEvents }) => new MemoryBroker({ maxEvents, maxAgeMs: null }),
});
