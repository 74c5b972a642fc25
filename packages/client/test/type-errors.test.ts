// Type errors a user can read (issue 17): tsc runs on a file of planted mistakes, and the first line
// of each message must say what is wrong in the user's terms (literal names, field names).
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../..', import.meta.url));
// In a node_modules folder that resolves zod and express as a user's project would; git ignores it.
const workDir = join(root, 'packages/trpc/node_modules/.ssekit-type-errors');
const planted = readFileSync(new URL('./type-errors/planted.ts.txt', import.meta.url), 'utf8');

/** What the first line of each planted mistake's message must contain. */
const EXPECTED: Record<string, RegExp> = {
  'unknown-event':
    /Argument of type '"pirce"' is not assignable to parameter of type '"price" \| "trade"'/,
  'wrong-field':
    /Property 'prize' does not exist on type '\{ symbol: string; price: number; at: Date; \}'/,
  'wrong-input': /'build' does not exist in type '\{ buildId: string; \}'/,
  'helper-name': /Type '"nope"' does not satisfy the constraint '"price" \| "trade"'/,
  // The yield's own shape and the shapes the stream may yield, with the field it lacks (`text`).
  'wrong-yield':
    /AsyncGenerator<\{ event: "line"; data: \{ txt: string; \}; \}.*AsyncIterable<\{ event: "line"; data: \{ text: string; \}/,
  'wrong-publish': /Type 'string' is not assignable to type 'number'/,
};

describe('type errors a user can read', () => {
  it('the first line of each planted mistake names the literal names and fields involved', async () => {
    rmSync(workDir, { recursive: true, force: true });
    mkdirSync(workDir, { recursive: true });
    writeFileSync(join(workDir, 'package.json'), '{ "type": "module", "private": true }\n');
    writeFileSync(join(workDir, 'planted.ts'), planted);
    const paths = Object.fromEntries(
      ['core', 'server', 'client'].map((pkg) => [
        `@ssekit/${pkg}`,
        [join(root, `packages/${pkg}/src/index.ts`)],
      ]),
    );
    writeFileSync(
      join(workDir, 'tsconfig.json'),
      JSON.stringify({
        extends: join(root, 'tsconfig.base.json'),
        compilerOptions: { noEmit: true, lib: ['ES2023', 'DOM'], types: ['node'], paths },
        include: ['planted.ts'],
      }),
    );
    const tsc = join(root, 'node_modules/typescript/bin/tsc');
    const output = await run(
      process.execPath,
      [tsc, '-p', join(workDir, 'tsconfig.json'), '--pretty', 'false'],
      {
        cwd: workDir,
      },
    ).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    const lines = planted.split('\n');
    const firstLines = new Map<string, string>();
    for (const line of output.split('\n')) {
      const match = line.match(/^planted\.ts\((\d+),\d+\): error TS\d+: (.*)$/);
      if (!match) continue;
      const mark = lines[Number(match[1]) - 1]?.match(/\/\/ @error ([\w-]+)/)?.[1];
      expect(mark, `an error on an unmarked line: ${line}`).toBeDefined();
      if (mark && !firstLines.has(mark)) firstLines.set(mark, match[2] ?? '');
    }
    expect([...firstLines.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [mark, pattern] of Object.entries(EXPECTED)) {
      expect(firstLines.get(mark), mark).toMatch(pattern);
      // No alias internals on the first line.
      expect(firstLines.get(mark), mark).not.toMatch(/EventName<|Contract<|ZodObject/);
    }
  }, 120_000);
});
