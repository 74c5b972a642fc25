// The print stage for validators: each node of the intermediate tree as zod/mini source, and the
// small isoDate()/bigintString() codecs a generated module carries when it uses them.
import { CODEC_META_KEY } from '@ssekit/core';
import { z } from 'zod';
import { childrenOf, type NodeMeta, type SchemaNode, type SsekitCodec } from '../analyze/ir.js';
import { propertyKey } from '../analyze/ts-type.js';
import { printRegExp } from '../analyze/values.js';

/**
 * `z.meta({ … })` when a schema has metadata beyond a description, all of it; nothing for a
 * description alone. A description is documentation: it is printed as TSDoc, where an editor shows
 * it, and a browser never reads it (the client does not, and `openapi.json` is written from the
 * original contract), so a copy at runtime would only grow the bundle with every documented field.
 */
function printMeta(meta: NodeMeta | undefined): string {
  if (!meta || meta.extra.length === 0) return '';
  const entries =
    meta.description === undefined ? [] : [`description: ${JSON.stringify(meta.description)}`];
  for (const [key, value] of meta.extra) entries.push(`${propertyKey(key)}: ${value}`);
  return `.check(z.meta({ ${entries.join(', ')} }))`;
}

const list = (nodes: readonly SchemaNode[]) => `[${nodes.map(printZod).join(', ')}]`;

const OBJECT_CONSTRUCTORS = {
  strip: 'z.object',
  strict: 'z.strictObject',
  loose: 'z.looseObject',
  catchall: 'z.object',
} as const;

const RECORD_CONSTRUCTORS = {
  record: 'z.record',
  partial: 'z.partialRecord',
  loose: 'z.looseRecord',
} as const;

/**
 * The `zod/mini` source that rebuilds a node: it accepts and rejects what the original schema does,
 * and a browser bundle keeps only the zod code that it calls. Object
 * literals are printed one key a line, so the formatter keeps them open and readable.
 */
export function printZod(node: SchemaNode): string {
  return printBare(node) + printMeta(node.meta);
}

function printBare(node: SchemaNode): string {
  switch (node.kind) {
    case 'leaf':
      return node.zod;
    case 'codec':
      return `${node.codec}()`;
    case 'ref':
      return node.target.constName;
    case 'object': {
      const props = node.props.map((p) => `${propertyKey(p.key)}: ${printZod(p.node)},`);
      const body = props.length === 0 ? '{}' : `{\n${props.join('\n')}\n}`;
      const object = `${OBJECT_CONSTRUCTORS[node.mode]}(${body})`;
      return node.catchall ? `z.catchall(${object}, ${printZod(node.catchall)})` : object;
    }
    case 'array':
      return `z.array(${printZod(node.element)})${node.checks}`;
    case 'tuple':
      return node.rest
        ? `z.tuple(${list(node.items)}, ${printZod(node.rest)})`
        : `z.tuple(${list(node.items)})`;
    case 'record':
      return `${RECORD_CONSTRUCTORS[node.mode]}(${printZod(node.key)}, ${printZod(node.value)})`;
    case 'union':
      if (node.discriminator !== undefined) {
        return `z.discriminatedUnion(${JSON.stringify(node.discriminator)}, ${list(node.options)})`;
      }
      return `${node.exclusive ? 'z.xor' : 'z.union'}(${list(node.options)})`;
    case 'intersection':
      return `z.intersection(${printZod(node.left)}, ${printZod(node.right)})`;
    case 'wrapper':
      return `z.${node.wrapper}(${printZod(node.inner)})`;
    case 'default':
      return `z.${node.method === 'default' ? '_default' : 'prefault'}(${printZod(node.inner)}, ${node.value})`;
    case 'pipe':
      return `z.pipe(${printZod(node.from)}, ${printZod(node.to)})`;
    case 'success':
      return `z.success(${printZod(node.inner)})`;
  }
}

/**
 * zod's own pattern of `z.iso.datetime({ offset: true })`, the wire form of `isoDate()`. The codec is
 * printed as `z.stringFormat('datetime', <this pattern>)`: the same check, the same issue (code
 * `invalid_format`, format `datetime`) and the same JSON Schema, without zod/mini's ISO constructors
 * and regex builders in a browser bundle (about 0.4 KB gzip).
 */
const ISO_DATETIME_PATTERN = printRegExp(
  (z.iso.datetime({ offset: true })._zod.def as { pattern: RegExp }).pattern,
);

/**
 * ssekit's codecs in `zod/mini`, printed once at the top of a module that uses them: the same
 * decoding as `isoDate()` and `bigintString()` of `@ssekit/core`, and the same codec marker, so that
 * the generated schemas read back as those codecs.
 */
export const CODEC_SOURCES: Readonly<Record<SsekitCodec, string>> = {
  isoDate: [
    '/** `isoDate()` of `@ssekit/core`: a `Date` in code, an ISO 8601 string on the wire. */',
    'function isoDate() {',
    "// zod's pattern for iso.datetime({ offset: true }), inlined: a smaller browser bundle.",
    `const text = z.stringFormat('datetime', ${ISO_DATETIME_PATTERN});`,
    'const codec = z.codec(text, z.date(), {',
    'decode: (iso: string) => new Date(iso),',
    'encode: (date: Date) => date.toISOString(),',
    '});',
    `return codec.check(z.meta({ '${CODEC_META_KEY}': 'isoDate' }));`,
    '}',
  ].join('\n'),
  bigintString: [
    '/** `bigintString()` of `@ssekit/core`: a `bigint` in code, a decimal string on the wire. */',
    'function bigintString() {',
    "const text = z.string().check(z.regex(/^-?(0|[1-9][0-9]*)$/, 'Expected a decimal integer string'));",
    'const codec = z.codec(text, z.bigint(), {',
    'decode: (digits: string) => BigInt(digits),',
    'encode: (value: bigint) => value.toString(),',
    '});',
    `return codec.check(z.meta({ '${CODEC_META_KEY}': 'bigintString' }));`,
    '}',
  ].join('\n'),
};

/** Which of ssekit's codecs the printed source calls, to import only those. */
export function codecsUsed(nodes: readonly SchemaNode[]): Set<SsekitCodec> {
  const used = new Set<SsekitCodec>();
  const visit = (node: SchemaNode): void => {
    if (node.kind === 'codec') used.add(node.codec);
    childrenOf(node).forEach(visit);
  };
  nodes.forEach(visit);
  return used;
}
