// The one error class of @ssekit/codegen and its stable codes, shared by every stage.
/**
 * Stable codes of `ssekit generate` failures. Scripts may branch on them; the CLI prints the message
 * and exits with the code's exit status.
 */
export const CodegenErrorCode = {
  /** The command line is malformed: an unknown flag, a missing `--out`, a missing module path. */
  USAGE: 'USAGE',
  /** The contract module does not exist. */
  MODULE_NOT_FOUND: 'MODULE_NOT_FOUND',
  /** The contract module threw while it was loaded (a syntax error, a failed import…). */
  MODULE_LOAD_FAILED: 'MODULE_LOAD_FAILED',
  /** `defineContract` refused the contract (a bad event name, a reserved name, a value not a schema). */
  INVALID_CONTRACT: 'INVALID_CONTRACT',
  /** The module exports no contract made by `defineContract`, or not under the `--export` name. */
  NO_CONTRACT: 'NO_CONTRACT',
  /** The module exports several contracts and `--export` does not say which one to use. */
  AMBIGUOUS_CONTRACT: 'AMBIGUOUS_CONTRACT',
  /** A schema holds a type that has no JSON form (`z.map()`, `z.date()`, `z.bigint()`, a function…). */
  NO_JSON_FORM: 'NO_JSON_FORM',
  /** A schema holds logic that cannot be printed as source (a refinement, a transform, a custom codec). */
  NOT_PRINTABLE: 'NOT_PRINTABLE',
  /** `--check` found files on disk that differ from what would be generated. */
  STALE: 'STALE',
} as const;

export type CodegenErrorCode = (typeof CodegenErrorCode)[keyof typeof CodegenErrorCode];

/** Where in a contract a schema problem sits: the event (or stream) and the path inside its schema. */
export interface SchemaLocation {
  /** `events.price`, `streams.buildLog.input` or `streams.buildLog.events.line`. */
  readonly owner: string;
  /** Path inside the schema, such as `levels[number].at`; empty at the schema's root. */
  readonly path: string;
}

/**
 * The one error class of `@ssekit/codegen`: a stable `code`, a message that names the file, event or
 * path at fault, and `toJSON()`.
 *
 * @example
 * ```ts
 * try { await generate({ input: 'src/events.ts', out: 'src/events.client.ts' }); }
 * catch (error) { if (error instanceof CodegenError && error.code === 'NO_CONTRACT') … }
 * ```
 */
export class CodegenError extends Error {
  override readonly name = 'CodegenError';
  readonly code: CodegenErrorCode;
  readonly location: SchemaLocation | undefined;

  constructor(
    code: CodegenErrorCode,
    message: string,
    options: { cause?: unknown; location?: SchemaLocation } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.location = options.location;
  }

  toJSON(): { code: CodegenErrorCode; message: string; location?: SchemaLocation } {
    return this.location
      ? { code: this.code, message: this.message, location: this.location }
      : { code: this.code, message: this.message };
  }
}

/** An error about one schema node: the message names the owner and the path, `at events.price → .at`. */
export function schemaError(
  code: typeof CodegenErrorCode.NO_JSON_FORM | typeof CodegenErrorCode.NOT_PRINTABLE,
  location: SchemaLocation,
  what: string,
  /** What the user can do instead, appended to the message. */
  fix?: string,
): CodegenError {
  const where = location.path === '' ? location.owner : `${location.owner} at ${location.path}`;
  const hint =
    code === CodegenErrorCode.NO_JSON_FORM
      ? 'has no JSON form, so it cannot travel in an event'
      : 'has no printable form, so a generated client could not validate it the same way';
  const message = `${where}: ${what} ${hint}${fix === undefined ? '' : `: ${fix}`}`;
  return new CodegenError(code, message, { location });
}
