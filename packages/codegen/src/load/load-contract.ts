// The load stage: import the contract module as it is (TypeScript through jiti) and find the
// contract among its exports, with codes for each way that fails.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AnyContract, isContract } from '@ssekit/core';
import { createJiti } from 'jiti';
import { CodegenError, CodegenErrorCode } from '../errors.js';

export interface LoadContractOptions {
  /** The export that holds the contract; without it, the one contract the module exports. */
  readonly exportName?: string | undefined;
}

export interface LoadedContract {
  readonly contract: AnyContract;
  /** The name of the export the contract was found under (`default` for a default export). */
  readonly exportName: string;
  /** The module's absolute path. */
  readonly file: string;
}

/**
 * Load a contract module as it is, TypeScript included, with no build step first (jiti transpiles it
 * in memory). Imports resolve from the module's own folder, so its `zod` and `@ssekit/core` are the
 * project's. Each call evaluates the module afresh, which `--watch` relies on.
 *
 * @throws CodegenError `MODULE_NOT_FOUND`, `MODULE_LOAD_FAILED`, `INVALID_CONTRACT`, `NO_CONTRACT` or
 *   `AMBIGUOUS_CONTRACT`.
 */
export async function loadContract(
  path: string,
  options: LoadContractOptions = {},
): Promise<LoadedContract> {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new CodegenError(CodegenErrorCode.MODULE_NOT_FOUND, `Contract module not found: ${file}`);
  }
  const jiti = createJiti(file, {
    moduleCache: false,
    fsCache: false,
    interopDefault: false,
    tsconfigPaths: true,
  });
  let namespace: Record<string, unknown>;
  try {
    namespace = (await jiti.import(file)) as Record<string, unknown>;
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    // Matched by code, not by class: the module's @ssekit/core may be another copy than ours.
    if ((cause as { code?: unknown } | null)?.code === 'INVALID_CONTRACT') {
      throw new CodegenError(CodegenErrorCode.INVALID_CONTRACT, `${file}: ${reason}`, { cause });
    }
    throw new CodegenError(
      CodegenErrorCode.MODULE_LOAD_FAILED,
      `Could not load ${file}: ${reason}`,
      { cause },
    );
  }
  return { ...findContract(namespace, file, options.exportName), file };
}

/** Pick the contract among a module's exports: the named one, or the only one. */
export function findContract(
  namespace: Record<string, unknown>,
  file: string,
  exportName: string | undefined,
): { contract: AnyContract; exportName: string } {
  if (exportName !== undefined) {
    if (!Object.hasOwn(namespace, exportName)) {
      throw new CodegenError(
        CodegenErrorCode.NO_CONTRACT,
        `${file} has no export named "${exportName}" (exports: ${listExports(namespace)})`,
      );
    }
    const value = namespace[exportName];
    if (!isContract(value)) {
      throw new CodegenError(
        CodegenErrorCode.NO_CONTRACT,
        `Export "${exportName}" of ${file} is not a contract made by defineContract()`,
      );
    }
    return { contract: value, exportName };
  }
  // A contract exported twice (`export default contract` beside `export const contract`) counts once.
  const found = new Map<AnyContract, string[]>();
  for (const [name, value] of Object.entries(namespace)) {
    if (isContract(value)) found.set(value, [...(found.get(value) ?? []), name]);
  }
  if (found.size === 0) {
    throw new CodegenError(
      CodegenErrorCode.NO_CONTRACT,
      `${file} exports no contract made by defineContract() (exports: ${listExports(namespace)})`,
    );
  }
  if (found.size > 1) {
    const names = [...found.values()].map((n) => n.join(' = ')).join(', ');
    throw new CodegenError(
      CodegenErrorCode.AMBIGUOUS_CONTRACT,
      `${file} exports several contracts (${names}): choose one with --export <name>`,
    );
  }
  const [[contract, names]] = [...found.entries()] as [[AnyContract, string[]]];
  return { contract, exportName: names.find((n) => n !== 'default') ?? names[0]! };
}

function listExports(namespace: Record<string, unknown>): string {
  const names = Object.keys(namespace);
  return names.length === 0 ? 'none' : names.join(', ');
}
