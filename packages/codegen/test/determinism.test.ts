// Output is the same bytes from one process to the next, for contracts whose defaults come from the
// clock: generated twice by the built bin in two processes, compared byte for byte.
import { describe, expect, it } from 'vitest';
import { createProject, ensureBuilt, runSsekit } from './utils.js';

const CLOCK_CONTRACT = `import { defineContract, isoDate } from '@ssekit/core';
import { z } from 'zod';
export const contract = defineContract({
  events: {
    tick: z.object({ at: isoDate(), n: z.number().default(3), tag: z.string().default('x') }),
    stamped: z.object({ seen: z.number().default(() => Date.now()) }),
  },
});
`;

describe('generated output across processes', { timeout: 120_000 }, () => {
  it('is byte-identical for a contract with constant defaults', async () => {
    await ensureBuilt();
    await using p = await createProject();
    await p.write(
      'events.ts',
      CLOCK_CONTRACT.replace(
        '    stamped: z.object({ seen: z.number().default(() => Date.now()) }),\n',
        '',
      ),
    );
    const outputs: string[] = [];
    for (const out of ['a.client.ts', 'b.client.ts']) {
      const result = await runSsekit(
        ['generate', 'events.ts', '--out', out, '--openapi', `${out}.json`],
        p.dir,
      );
      expect(result.code, result.stderr).toBe(0);
      outputs.push((await p.read(out)) + (await p.read(`${out}.json`)));
    }
    expect(outputs[1]).toBe(outputs[0]);
  });

  it.each([
    ['z.number().default(() => Date.now())', 'z.number().default(() => Date.now())'],
    [
      'z.string().default(() => new Date().toISOString())',
      'z.string().default(() => new Date().toISOString())',
    ],
  ])('refuses %s on every run, with the same message and code', async (_, schema) => {
    await ensureBuilt();
    await using p = await createProject();
    await p.write(
      'events.ts',
      CLOCK_CONTRACT.replace('z.number().default(() => Date.now())', schema),
    );
    const runs = [];
    for (let i = 0; i < 3; i++)
      runs.push(await runSsekit(['generate', 'events.ts', '--out', 'x.ts'], p.dir));
    for (const run of runs) {
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('[NOT_PRINTABLE]');
      expect(run.stderr).toContain('events.stamped at .seen: a default computed by a function');
      expect(run.stderr).toContain('constant default');
      expect(run.stderr).toBe(runs[0]!.stderr);
    }
    expect(p.exists('x.ts')).toBe(false);
  });
});
