// @ssekit/codegen's public API: `ssekit generate` as functions, the CLI, the loader and the watcher.
export { type CliIo, ExitCode, runCli } from './cli/run.js';
export { type WatchEvent, type WatchOptions, watchContract } from './cli/watch.js';
export { CodegenError, CodegenErrorCode, type SchemaLocation } from './errors.js';
export {
  type CheckResult,
  checkGenerated,
  type GeneratedFile,
  type GenerateOptions,
  type GenerateResult,
  generate,
  generateClientModule,
  type OpenApiOptions,
  renderFiles,
} from './generate.js';
export {
  type LoadContractOptions,
  type LoadedContract,
  loadContract,
} from './load/load-contract.js';
export { localImports } from './load/local-imports.js';
export type { ValidatorsOption } from './print/client-module.js';
