// codegen's own formatter (it replaced Biome's 45 MB WebAssembly build): indents by bracket depth,
// leaves brackets inside strings, regular expressions and comments alone, and is idempotent.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatModule } from '../src/format/layout.js';
import { FIXTURES } from './utils.js';

describe('formatModule', () => {
  it('indents once per line that leaves brackets open, and goes back on a closing line', () => {
    const source = 'const a = z.object({\nb: z.string(),\nc: z.object({\nd: 1,\n}),\n});\n';
    expect(formatModule(source)).toBe(
      'const a = z.object({\n  b: z.string(),\n  c: z.object({\n    d: 1,\n  }),\n});\n',
    );
  });

  it('closes every bracket before the first opening one on a closing line: `} as const);`', () => {
    const source = 'const c = Object.freeze({\na: {\nb: 1,\n},\n} as const);\n';
    expect(formatModule(source)).toBe(
      'const c = Object.freeze({\n  a: {\n    b: 1,\n  },\n} as const);\n',
    );
  });

  it('ignores brackets in strings, regular expressions and comments', () => {
    const source = 'x = f(/^[A-Z]{0,7}(/, \'{[(\', "}", `)`, {\n// ) }\na: 1, /* ( */\n});\n';
    expect(formatModule(source)).toBe(
      "x = f(/^[A-Z]{0,7}(/, '{[(', '}', `)`, {\n  // ) }\n  a: 1, /* ( */\n});\n",
    );
  });

  it('puts double-quoted strings in single quotes unless they hold one', () => {
    expect(formatModule('a("x \\"y\\"", "it\'s");\n')).toBe('a(\'x "y"\', "it\'s");\n');
  });

  it('lays block comments one space in, drops extra blank lines, ends with one newline', () => {
    const source = 'a({\n/**\n* doc\n*/\nb: 1,\n\n\n});\n\n';
    expect(formatModule(source)).toBe('a({\n  /**\n   * doc\n   */\n  b: 1,\n\n});\n');
  });

  it('leaves its own output as it is', async () => {
    const committed = await readFile(join(FIXTURES, 'edge.client.ts'), 'utf8');
    expect(formatModule(committed)).toBe(committed);
  });
});
