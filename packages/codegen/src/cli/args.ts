// The command line of `ssekit`: its flags, its help text, and their parse into a command.
import { parseArgs } from 'node:util';
import type { OpenApiVersion } from '@ssekit/openapi';
import { CodegenError, CodegenErrorCode } from '../errors.js';
import type { GenerateOptions } from '../generate.js';

export const USAGE = `Usage: ssekit generate <contract-module> --out <file> [options]

Reads a contract module (TypeScript as it is) and writes a standalone typed client module.

Options:
  -o, --out <file>          the client module to write (.ts or .mts)
      --openapi <file>      also write the OpenAPI document of the server's endpoints
      --export <name>       the export that holds the contract (default: the only one)
      --base <path>         where the router is mounted, for the OpenAPI paths (default: /)
      --title <text>        info.title of the OpenAPI document
      --api-version <text>  info.version of the OpenAPI document
      --openapi-version <v> 3.2 (default) or 3.1, for tools that do not read 3.2 yet
      --validators <v>      auto (default): ssekit's plain validators when they cover every
                            schema (no zod in a browser bundle), zod/mini otherwise; zod: zod/mini
      --check               write nothing; exit 1 when a file is stale
      --watch               regenerate whenever the contract or a file it imports changes
  -h, --help                show this help
  -v, --version             show the version
`;

/** What the command line asks for: a union tagged by `type`. */
export type Command =
  | { readonly type: 'help' }
  | { readonly type: 'version' }
  | {
      readonly type: 'generate';
      readonly mode: 'write' | 'check' | 'watch';
      readonly options: GenerateOptions;
    };

const usage = (message: string) => new CodegenError(CodegenErrorCode.USAGE, message);

/** `--openapi-version`: `3.2` or `3.1` (or the full `3.2.0`, `3.1.0`). */
function parseOpenApiVersion(text: string | undefined): OpenApiVersion | undefined {
  if (text === undefined) return undefined;
  if (text === '3.1' || text === '3.1.0') return '3.1.0';
  if (text === '3.2' || text === '3.2.0') return '3.2.0';
  throw usage(`--openapi-version must be 3.2 or 3.1, not "${text}"`);
}

/**
 * Parse `ssekit` arguments.
 *
 * @throws CodegenError `USAGE` for unknown flags, a missing module or `--out`, `--check` with `--watch`.
 */
export function parseCommand(argv: readonly string[]): Command {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (cause) {
    throw new CodegenError(CodegenErrorCode.USAGE, (cause as Error).message, { cause });
  }
  const { values, positionals } = parsed;
  if (values.help) return { type: 'help' };
  if (values.version) return { type: 'version' };
  const [command, input, ...extra] = positionals;
  if (command === undefined)
    throw usage('Missing command: ssekit generate <contract-module> --out <file>');
  if (command !== 'generate')
    throw usage(`Unknown command "${command}": the command is "generate"`);
  if (input === undefined)
    throw usage('Missing the contract module: ssekit generate <contract-module> --out <file>');
  if (extra.length > 0) throw usage(`Unexpected argument "${extra[0]}"`);
  if (values.out === undefined)
    throw usage('Missing --out <file>: where to write the client module');
  if (values.check && values.watch) throw usage('--check and --watch exclude each other');
  const validators = values.validators;
  if (validators !== undefined && validators !== 'auto' && validators !== 'zod') {
    throw usage(`--validators must be auto or zod, not "${validators}"`);
  }
  const openApiVersion = parseOpenApiVersion(values['openapi-version']);
  if (openApiVersion !== undefined && values.openapi === undefined) {
    throw usage('--openapi-version goes with --openapi <file>');
  }
  const openapiOptions = {
    ...(values.base === undefined ? {} : { basePath: values.base }),
    ...(values.title === undefined ? {} : { title: values.title }),
    ...(values['api-version'] === undefined ? {} : { version: values['api-version'] }),
    ...(openApiVersion === undefined ? {} : { openApiVersion }),
  };
  return {
    type: 'generate',
    mode: values.check ? 'check' : values.watch ? 'watch' : 'write',
    options: {
      input,
      out: values.out,
      openapi: values.openapi,
      exportName: values.export,
      openapiOptions,
      validators,
    },
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      out: { type: 'string', short: 'o' },
      openapi: { type: 'string' },
      export: { type: 'string' },
      base: { type: 'string' },
      title: { type: 'string' },
      'api-version': { type: 'string' },
      'openapi-version': { type: 'string' },
      validators: { type: 'string' },
      check: { type: 'boolean' },
      watch: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}
