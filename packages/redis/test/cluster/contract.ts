import { defineContract } from '@ssekit/core';
import { z } from 'zod';

/** The cluster tests' contract: `tick` events numbered per source (`server`, `worker`, `warmup`…). */
export const contract = defineContract({
  events: { tick: z.object({ src: z.string(), n: z.int() }) },
});

export type Tick = z.infer<(typeof contract)['events']['tick']>;
