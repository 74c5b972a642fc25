// The pipeline, stage by stage: load the contract module → analyze the contract → print the client
// module → format it (and the OpenAPI document, from @ssekit/openapi); write, or check against disk.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, extname, relative, resolve, sep } from 'node:path';
import type { AnyContract } from '@ssekit/core';
import { createOpenApiDocument, type OpenApiDocumentOptions } from '@ssekit/openapi';
import { analyzeContract } from './analyze/contract.js';
import { CodegenError, CodegenErrorCode } from './errors.js';
import { formatJson, formatModule } from './format/layout.js';
import { loadContract } from './load/load-contract.js';
import { printClientModule, type ValidatorsOption } from './print/client-module.js';

/** Options of the OpenAPI document: those of `createOpenApiDocument` of `@ssekit/openapi`. */
export type OpenApiOptions = OpenApiDocumentOptions;

/** Options of `generate`, `checkGenerated` and `renderFiles`: the flags of `ssekit generate`. */
export interface GenerateOptions {
  /** The contract module, TypeScript or JavaScript. */
  readonly input: string;
  /** Where the client module goes: a `.ts` or `.mts` file (the module is ESM). */
  readonly out: string;
  /** Where the OpenAPI document goes; none is written when absent. */
  readonly openapi?: string | undefined;
  /** The export that holds the contract. @default the one contract the module exports */
  readonly exportName?: string | undefined;
  /** `basePath`, `title`, `version` and `openApiVersion` of the OpenAPI document. */
  readonly openapiOptions?: OpenApiOptions | undefined;
  /**
   * What the module validates with: `auto` prints the plain validators of `@ssekit/client/schema`
   * (no zod in a browser bundle) when they cover every schema of the contract, zod/mini otherwise;
   * `zod` prints zod/mini always. @default 'auto'
   */
  readonly validators?: ValidatorsOption | undefined;
  /** Relative paths resolve from here. @default process.cwd() */
  readonly cwd?: string | undefined;
}

/** One output file and the exact bytes it should hold. */
export interface GeneratedFile {
  readonly path: string;
  readonly content: string;
}

const TS_EXTENSIONS = new Set(['.ts', '.mts']);

/** The contract module as the generated header names it: relative to the output, POSIX separators. */
function sourceLabel(out: string, input: string): string {
  const path = relative(dirname(out), input).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/**
 * A standalone client module for a contract, formatted: what `ssekit generate` writes. Deterministic:
 * the same contract and `source` give the same bytes.
 *
 * @throws CodegenError `NO_JSON_FORM` or `NOT_PRINTABLE`, naming the event and the path.
 */
export function generateClientModule(
  contract: AnyContract,
  options: { readonly source: string; readonly validators?: ValidatorsOption | undefined },
): string {
  return formatModule(printClientModule(analyzeContract(contract), options));
}

/** Load the contract and compute every output file, writing nothing. */
export async function renderFiles(options: GenerateOptions): Promise<GeneratedFile[]> {
  const cwd = options.cwd ?? process.cwd();
  const input = resolve(cwd, options.input);
  const out = resolve(cwd, options.out);
  if (!TS_EXTENSIONS.has(extname(out))) {
    throw new CodegenError(
      CodegenErrorCode.USAGE,
      `--out must name a .ts or .mts file, not ${out}`,
    );
  }
  if (out === input) {
    throw new CodegenError(CodegenErrorCode.USAGE, '--out must not be the contract module itself');
  }
  const { contract } = await loadContract(input, { exportName: options.exportName });
  const files: GeneratedFile[] = [
    {
      path: out,
      content: generateClientModule(contract, {
        source: sourceLabel(out, input),
        validators: options.validators,
      }),
    },
  ];
  if (options.openapi !== undefined) {
    files.push({
      path: resolve(cwd, options.openapi),
      content: formatJson(createOpenApiDocument(contract, options.openapiOptions ?? {})),
    });
  }
  return files;
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** What `generate` did: files written, and files that already held the right bytes (left untouched). */
export interface GenerateResult {
  readonly written: string[];
  readonly unchanged: string[];
}

/**
 * `ssekit generate`: load the contract module and write the client module (and the OpenAPI document).
 * A file that already holds the right bytes is not rewritten, so watchers downstream stay quiet.
 *
 * @example
 * ```ts
 * await generate({ input: 'src/events.ts', out: 'src/events.client.ts', openapi: 'openapi.json' });
 * ```
 */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const result: GenerateResult = { written: [], unchanged: [] };
  for (const file of await renderFiles(options)) {
    if ((await readOrUndefined(file.path)) === file.content) {
      result.unchanged.push(file.path);
      continue;
    }
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content);
    result.written.push(file.path);
  }
  return result;
}

/** What `checkGenerated` found: files that differ from what would be generated (or are missing). */
export interface CheckResult {
  readonly stale: string[];
  readonly fresh: string[];
}

/** `ssekit generate --check`: compare the files on disk with what would be generated; write nothing. */
export async function checkGenerated(options: GenerateOptions): Promise<CheckResult> {
  const result: CheckResult = { stale: [], fresh: [] };
  for (const file of await renderFiles(options)) {
    const current = await readOrUndefined(file.path);
    (current === file.content ? result.fresh : result.stale).push(file.path);
  }
  return result;
}
