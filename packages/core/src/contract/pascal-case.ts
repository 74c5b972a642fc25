// The identifier form of a contract name (`build-log.v2` → `BuildLogV2`): one rule for the type
// names that codegen prints and the component names and operation ids of the OpenAPI document.

/**
 * A contract name (an event, a stream, an object key) as a PascalCase identifier: split on every run
 * of characters other than ASCII letters and digits, each word's first letter upper-cased, the rest
 * kept as written. A result that would not start an identifier (`2fa`, or nothing at all) gets a
 * leading `T`, so the result is always a valid TypeScript identifier.
 *
 * @example
 * ```ts
 * pascalCase('build-log.v2'); // 'BuildLogV2'
 * pascalCase('order_fills'); // 'OrderFills'
 * pascalCase('2fa'); // 'T2fa'
 * ```
 */
export function pascalCase(name: string): string {
  const words = name.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');
  const text = words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
  return /^[A-Za-z_$]/.test(text) ? text : `T${text}`;
}
