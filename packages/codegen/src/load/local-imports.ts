// The files a contract module imports by relative path, followed through: what `--watch` watches
// besides the module itself.
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * `import … from '…'`, `export … from '…'`, `import '…'`, `import('…')` and `require('…')`. A match
 * inside a comment only adds a file to watch, which is harmless.
 */
const SPECIFIER =
  /\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s+['"]([^'"]+)['"]|\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs', '.json'];

/** TypeScript's rule: `./x.js` in source names `./x.ts` on disk. */
const SOURCE_EXTENSION: Readonly<Record<string, string[]>> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function resolveLocal(from: string, specifier: string): string | undefined {
  const base = resolve(from, specifier);
  if (isFile(base)) return base;
  for (const [ext, sources] of Object.entries(SOURCE_EXTENSION)) {
    if (!base.endsWith(ext)) continue;
    for (const source of sources) {
      const candidate = base.slice(0, -ext.length) + source;
      if (isFile(candidate)) return candidate;
    }
  }
  for (const ext of EXTENSIONS) {
    if (isFile(base + ext)) return base + ext;
  }
  for (const ext of EXTENSIONS) {
    const index = resolve(base, `index${ext}`);
    if (isFile(index)) return index;
  }
  return undefined;
}

/**
 * The contract module and every file it reaches through relative imports: what `--watch` watches.
 * Packages (`zod`, `@ssekit/core`) are left out: they do not change while one edits a contract.
 */
export function localImports(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [resolve(entry)];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const match of text.matchAll(SPECIFIER)) {
      const specifier = match[1] ?? match[2] ?? match[3] ?? match[4];
      if (specifier === undefined || !specifier.startsWith('.')) continue;
      const resolved = resolveLocal(dirname(file), specifier);
      if (resolved !== undefined) queue.push(resolved);
    }
  }
  return [...seen].sort();
}
