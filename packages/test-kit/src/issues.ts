// Validation issues as two validators must agree on them: ssekit's plain validators against
// zod/mini, in the client's unit tests and codegen's property run.

/**
 * An issue without what differs by design: its message (zod/mini has no locale), the input, and
 * zod's internals (`inst`, `continue`, `note`, `schema`); a union's `errors` compared the same way.
 */
export function comparableIssue(issue: object): object {
  const {
    message: _message,
    input: _input,
    inst: _inst,
    continue: _continue,
    note: _note,
    schema: _schema,
    ...rest
  } = issue as Record<string, unknown>;
  if (Array.isArray(rest.errors)) {
    rest.errors = rest.errors.map((list: object[]) => list.map(comparableIssue));
  }
  return rest;
}
