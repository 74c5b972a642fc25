import { childrenOf, type NodeMeta, type SchemaNode } from './ir.js';
import { propertyKey } from './ts-type.js';

/** `.describe()` for a description alone, `.meta({ … })` when there is more. */
function printMeta(meta: NodeMeta | undefined): string {
  if (!meta) return '';
  if (meta.extra.length === 0) return `.describe(${JSON.stringify(meta.description)})`;
  const entries =
    meta.description === undefined ? [] : [`description: ${JSON.stringify(meta.description)}`];
  for (const [key, value] of meta.extra) entries.push(`${propertyKey(key)}: ${value}`);
  return `.meta({ ${entries.join(', ')} })`;
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
 * The zod source that rebuilds a node: it accepts and rejects what the original schema does. Object
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
      const catchall = node.catchall ? `.catchall(${printZod(node.catchall)})` : '';
      return `${OBJECT_CONSTRUCTORS[node.mode]}(${body})${catchall}`;
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
      return `${printZod(node.inner)}.${node.wrapper}()`;
    case 'default':
      return `${printZod(node.inner)}.${node.method}(${node.value})`;
    case 'pipe':
      return `${printZod(node.from)}.pipe(${printZod(node.to)})`;
    case 'success':
      return `z.success(${printZod(node.inner)})`;
  }
}

/** Which of ssekit's codecs the printed source calls, to import only those. */
export function codecsUsed(nodes: readonly SchemaNode[]): Set<string> {
  const used = new Set<string>();
  const visit = (node: SchemaNode): void => {
    if (node.kind === 'codec') used.add(node.codec);
    childrenOf(node).forEach(visit);
  };
  nodes.forEach(visit);
  return used;
}
