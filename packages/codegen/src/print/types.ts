// The print stage for TypeScript types: the decoded type (`Date`) and the wire type (`string`) of
// each node of the intermediate tree, with `.describe()` texts as TSDoc.
import type { Declaration, SchemaNode } from '../analyze/ir.js';
import {
  printType,
  raw,
  type TsType,
  UNDEFINED,
  union,
  withoutUndefined,
} from '../analyze/ts-type.js';

/** `output`: the decoded type code sees (`Date`); `input`: the wire type JSON carries (`string`). */
export type TypeMode = 'output' | 'input';

const CODEC_TYPES = {
  isoDate: { output: 'Date', input: 'string' },
  bigintString: { output: 'bigint', input: 'string' },
} as const;

/** The description that documents a property: its own, or that of what its wrappers wrap. */
export function descriptionOf(node: SchemaNode): string | undefined {
  if (node.meta?.description !== undefined) return node.meta.description;
  switch (node.kind) {
    case 'wrapper':
    case 'default':
      return descriptionOf(node.inner);
    default:
      return undefined;
  }
}

/** What `.readonly()` makes of a type: zod's `MakeReadonly`. */
function readonlyOf(type: TsType): TsType {
  switch (type.kind) {
    case 'array':
    case 'tuple':
      return { ...type, readonly: true };
    case 'object':
    case 'intersection':
    case 'generic':
      return { kind: 'generic', name: 'Readonly', args: [type] };
    default:
      return type;
  }
}

/**
 * Whether a declaration's wire type differs from its decoded type anywhere in what it reaches: when
 * not, `PriceWire` is just `Price`. Cycles count as "no difference" on the way round.
 */
export function wireDiffers(decl: Declaration, seen = new Set<Declaration>()): boolean {
  if (seen.has(decl) || !decl.node) return false;
  seen.add(decl);
  const visit = (node: SchemaNode): boolean => {
    switch (node.kind) {
      case 'leaf':
        return printType(node.input) !== printType(node.output);
      case 'codec':
      case 'default':
      case 'pipe':
      case 'success':
        return true;
      case 'ref':
        return wireDiffers(node.target, seen);
      case 'object':
        return (
          node.props.some((p) => p.node.optin !== p.node.optout || visit(p.node)) ||
          (node.catchall !== undefined && visit(node.catchall))
        );
      case 'array':
        return visit(node.element);
      case 'tuple':
        return (
          node.items.some((i) => i.optin !== i.optout || visit(i)) ||
          (node.rest !== undefined && visit(node.rest))
        );
      case 'record':
        return visit(node.key) || visit(node.value);
      case 'union':
        return node.options.some(visit);
      case 'intersection':
        return visit(node.left) || visit(node.right);
      case 'wrapper':
        return visit(node.inner);
    }
  };
  return visit(decl.node);
}

/** The TypeScript type of a node, decoded (`output`) or on the wire (`input`). */
export function typeOf(
  node: SchemaNode,
  mode: TypeMode,
  differs: (d: Declaration) => boolean,
): TsType {
  const of = (n: SchemaNode) => typeOf(n, mode, differs);
  const optional = (n: SchemaNode) => (mode === 'output' ? n.optout : n.optin);
  switch (node.kind) {
    case 'leaf':
      return mode === 'output' ? node.output : node.input;
    case 'codec':
      return raw(CODEC_TYPES[node.codec][mode]);
    case 'ref':
      return raw(
        mode === 'input' && differs(node.target) ? node.target.wireName : node.target.typeName,
      );
    case 'object': {
      const props = node.props.map((p) => ({
        key: p.key,
        type: of(p.node),
        optional: optional(p.node),
        readonly: false,
        doc: descriptionOf(p.node),
      }));
      if (node.mode === 'catchall' && node.catchall) {
        // zod's type is `{ fixed: string; [k: string]: number }`, which no literal type can spell
        // when the keys' types do not fit the index: the index widens to take them in.
        const index = union([
          of(node.catchall),
          ...props.map((p) => (p.optional ? union([p.type, UNDEFINED]) : p.type)),
        ]);
        return { kind: 'object', props, index };
      }
      if (node.mode === 'loose') return { kind: 'object', props, index: raw('unknown') };
      // zod strips (or refuses) other keys, so an object without keys is an empty record.
      if (props.length === 0)
        return { kind: 'generic', name: 'Record', args: [raw('string'), raw('never')] };
      return { kind: 'object', props, index: undefined };
    }
    case 'array':
      return { kind: 'array', element: of(node.element), readonly: false };
    case 'tuple': {
      // zod marks optional only the trailing run of optional items, as TypeScript requires.
      let firstOptional = node.items.length;
      while (firstOptional > 0 && optional(node.items[firstOptional - 1]!)) firstOptional--;
      return {
        kind: 'tuple',
        items: node.items.map((item, i) => ({ type: of(item), optional: i >= firstOptional })),
        rest: node.rest ? of(node.rest) : undefined,
        readonly: false,
      };
    }
    case 'record': {
      // An index signature, not `Record<string, V>`: a type alias may refer to itself through it.
      const key = of(node.key);
      const record: TsType =
        key.kind === 'raw' && key.text === 'string'
          ? { kind: 'object', props: [], index: of(node.value) }
          : { kind: 'generic', name: 'Record', args: [key, of(node.value)] };
      return node.mode === 'partial'
        ? { kind: 'generic', name: 'Partial', args: [record] }
        : record;
    }
    case 'union':
      return union(node.options.map(of));
    case 'intersection':
      return { kind: 'intersection', members: [of(node.left), of(node.right)] };
    case 'wrapper':
      switch (node.wrapper) {
        case 'optional':
          return union([of(node.inner), UNDEFINED]);
        case 'exactOptional':
          return of(node.inner);
        case 'nullable':
          return union([of(node.inner), raw('null')]);
        case 'nonoptional':
          return withoutUndefined(of(node.inner));
        case 'readonly':
          return readonlyOf(of(node.inner));
      }
      break;
    case 'default':
      return mode === 'output'
        ? withoutUndefined(of(node.inner))
        : union([of(node.inner), UNDEFINED]);
    case 'pipe':
      return mode === 'output' ? of(node.to) : of(node.from);
    case 'success':
      return mode === 'output' ? raw('boolean') : of(node.inner);
  }
}
