// The small TypeScript type tree that the analyzer builds for each node, and how it prints: the
// vocabulary that analyze/ and print/ share for the decoded and wire types.
/**
 * A small TypeScript type tree: enough to print the decoded and wire types of a schema readably, with
 * unions flattened, `undefined` removable (what `.default()` does to an output type) and the
 * parentheses that precedence asks for.
 */
export type TsType =
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'union'; readonly members: readonly TsType[] }
  | { readonly kind: 'intersection'; readonly members: readonly TsType[] }
  | { readonly kind: 'array'; readonly element: TsType; readonly readonly: boolean }
  | {
      readonly kind: 'tuple';
      readonly items: readonly { readonly type: TsType; readonly optional: boolean }[];
      readonly rest: TsType | undefined;
      readonly readonly: boolean;
    }
  | {
      readonly kind: 'object';
      readonly props: readonly TsProp[];
      readonly index: TsType | undefined;
    }
  | { readonly kind: 'generic'; readonly name: string; readonly args: readonly TsType[] };

export interface TsProp {
  readonly key: string;
  readonly type: TsType;
  readonly optional: boolean;
  readonly readonly: boolean;
  readonly doc: string | undefined;
}

export const raw = (text: string): TsType => ({ kind: 'raw', text });

export const UNDEFINED = raw('undefined');

/** A union with nested unions flattened, duplicates and `never` dropped, and `unknown`/`any` absorbing. */
export function union(members: readonly TsType[]): TsType {
  const flat: TsType[] = [];
  const seen = new Set<string>();
  for (const member of members) {
    for (const m of member.kind === 'union' ? member.members : [member]) {
      const text = printType(m);
      if (text === 'any' || text === 'unknown') return m;
      if (text === 'never' || seen.has(text)) continue;
      seen.add(text);
      flat.push(m);
    }
  }
  if (flat.length === 0) return raw('never');
  return flat.length === 1 ? flat[0]! : { kind: 'union', members: flat };
}

/** `T` without `undefined`: the output type of a schema with a default. */
export function withoutUndefined(type: TsType): TsType {
  if (type.kind === 'raw' && type.text === 'undefined') return raw('never');
  if (type.kind !== 'union') return type;
  return union(type.members.filter((m) => !(m.kind === 'raw' && m.text === 'undefined')));
}

export function includesUndefined(type: TsType): boolean {
  if (type.kind === 'raw')
    return type.text === 'undefined' || type.text === 'unknown' || type.text === 'any';
  return type.kind === 'union' && type.members.some(includesUndefined);
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** A property key as TypeScript and JavaScript want it: bare when it is an identifier, quoted otherwise. */
export function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** A TSDoc comment for `text`, indented by `indent`; `*\/` inside the text is defused. */
export function docComment(text: string | undefined, indent = ''): string {
  if (text === undefined || text.trim() === '') return '';
  const lines = text
    .replaceAll('*/', '*\\/')
    .trim()
    .split(/\r\n|\r|\n/);
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((l) => `${indent} *${l === '' ? '' : ` ${l}`}`).join('\n')}\n${indent} */\n`;
}

/** Operator binding, to know where parentheses go. */
function precedence(type: TsType): number {
  switch (type.kind) {
    case 'union':
      return 0;
    case 'intersection':
      return 1;
    default:
      return 2;
  }
}

function wrap(type: TsType, min: number, indent: string): string {
  const text = printType(type, indent);
  return precedence(type) < min ? `(${text})` : text;
}

/** Print a type; object types are printed one property a line, so that TSDoc can sit above each. */
export function printType(type: TsType, indent = ''): string {
  switch (type.kind) {
    case 'raw':
      return type.text;
    case 'union':
      return type.members.map((m) => wrap(m, 1, indent)).join(' | ');
    case 'intersection':
      return type.members.map((m) => wrap(m, 2, indent)).join(' & ');
    case 'array':
      return `${type.readonly ? 'readonly ' : ''}${wrap(type.element, 2, indent)}[]`;
    case 'tuple': {
      const items = type.items.map((i) =>
        i.optional ? `${wrap(i.type, 2, indent)}?` : printType(i.type, indent),
      );
      if (type.rest) items.push(`...${wrap(type.rest, 2, indent)}[]`);
      return `${type.readonly ? 'readonly ' : ''}[${items.join(', ')}]`;
    }
    case 'generic':
      return `${type.name}<${type.args.map((a) => printType(a, indent)).join(', ')}>`;
    case 'object':
      return printObject(type.props, type.index, indent);
  }
}

/** The body of an object type or interface: `{ … }` with one member a line. */
export function printObject(
  props: readonly TsProp[],
  index: TsType | undefined,
  indent = '',
): string {
  if (props.length === 0 && index === undefined) return '{}';
  if (props.length === 0) return `{ [key: string]: ${printType(index!, indent)} }`;
  const inner = `${indent}  `;
  const lines = props.map(
    (p) =>
      `${docComment(p.doc, inner)}${inner}${p.readonly ? 'readonly ' : ''}${propertyKey(p.key)}${p.optional ? '?' : ''}: ${printType(p.type, inner)};`,
  );
  if (index) lines.push(`${inner}[key: string]: ${printType(index, inner)};`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}
