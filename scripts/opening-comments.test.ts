// The house rule that every source file opens with a comment on what it holds (STYLE.md, habit 12),
// checked over packages/*/src and apps/*/src so that a new file without one fails the unit loop.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = /\.(?:[cm]?ts|tsx)$/;

function sourceFiles(): string[] {
  const files: string[] = [];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const src = join(root, group, entry.name, 'src');
      let names: string[];
      try {
        names = readdirSync(src, { recursive: true, encoding: 'utf8' });
      } catch {
        continue;
      }
      for (const name of names) {
        if (SOURCE.test(name) && !name.split(/[\\/]/).includes('node_modules')) {
          files.push(join(src, name));
        }
      }
    }
  }
  return files.sort();
}

/**
 * Why a file's opening is not a comment on the file, or `undefined` when it is. A `//` comment
 * counts; a block comment counts when a blank line or an import follows it (else it is the TSDoc
 * of the first declaration, which says what that declaration is, not what the file holds).
 */
function openingProblem(text: string): string | undefined {
  const lines = text.replace(/^#!.*\n/, '').split('\n');
  const first = lines[0] ?? '';
  if (first.startsWith('//')) return undefined;
  if (!first.startsWith('/*')) return 'does not open with a comment';
  const end = lines.findIndex((line) => line.includes('*/'));
  const next = lines[end + 1];
  if (end === -1 || next === undefined) return 'holds only a comment';
  if (next.trim() === '' || next.startsWith('import ')) return undefined;
  return "opens with the first declaration's TSDoc, not a comment on the file";
}

it('reads the rule: a comment on the file, not the first TSDoc', () => {
  expect(openingProblem('// What this holds.\nimport x from "x";\n')).toBeUndefined();
  expect(openingProblem('#!/usr/bin/env node\n// The bin.\n')).toBeUndefined();
  expect(openingProblem('/**\n * What this holds.\n */\n\nexport const a = 1;\n')).toBeUndefined();
  expect(openingProblem('import x from "x";\n')).toBe('does not open with a comment');
  expect(openingProblem('/** The answer. */\nexport const a = 42;\n')).toMatch(/TSDoc/);
});

it('every source file under packages/*/src and apps/*/src opens with a comment on what it holds', () => {
  const files = sourceFiles();
  expect(files.length).toBeGreaterThan(100);
  const problems = files.flatMap((file) => {
    const problem = openingProblem(readFileSync(file, 'utf8'));
    return problem ? [`${relative(root, file)}: ${problem}`] : [];
  });
  expect(problems).toEqual([]);
});
