// The print stage's last piece of the module: `createClient(options)` with the contract bound in,
// and a TSDoc example written with the contract's own names.
import type { Declaration } from '../analyze/ir.js';

/** A string literal in the repository's style (single quotes), for code inside TSDoc. */
const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

interface Named {
  readonly name: string;
}

/**
 * `createClient(options)`: the contract bound in, with a TSDoc example that uses the contract's own
 * names, so that hovering over it in an editor shows how this client is used.
 */
export function printClientFactory(
  events: readonly Named[],
  streams: readonly (Named & {
    readonly events: readonly (Named & { readonly decl: Declaration })[];
  })[],
): string {
  const example = ["const client = createClient({ url: '/sse' });"];
  const event = events[0];
  if (event) {
    example.push(`const unsubscribe = client.subscribe(${quote(event.name)}, (data) => {`);
    example.push('  // data is fully typed and already decoded');
    example.push('});');
  }
  const stream = streams[0];
  if (stream) {
    example.push(`const stream = client.stream(${quote(stream.name)}, input);`);
    const first = stream.events[0];
    if (first) example.push(`stream.on(${quote(first.name)}, (data) => {});`);
  }
  return [
    '/**',
    ' * A typed client for this contract: one connection for every broadcast subscription, opened on the',
    ' * first `subscribe` and closed with the last, RPC streams with typed input, and every payload',
    ' * checked and decoded against the schemas above.',
    ' *',
    ' * @example',
    ' * ```ts',
    ...example.map((line) => ` * ${line}`),
    ' * ```',
    ' */',
    'export function createClient(options: ClientOptions): SseClient<AppContract> {',
    '  return createSseClient(contract, options);',
    '}',
  ].join('\n');
}
