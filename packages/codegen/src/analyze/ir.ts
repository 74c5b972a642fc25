// The intermediate tree of the analyze stage: what a zod schema becomes, nodes and named
// declarations, which print/ turns into TypeScript types and zod/mini source.
import type { SsekitCodec } from '@ssekit/core';
import type { TsType } from './ts-type.js';

/**
 * What the analyzer makes of a zod schema: a tree that the printers turn into zod source and into
 * TypeScript types. Recursion goes through `ref` nodes to named declarations.
 */
export type SchemaNode = NodeBase &
  (
    | {
        /** A schema printed in one piece: primitives, strings with checks, literals, enums. */
        readonly kind: 'leaf';
        readonly zod: string;
        readonly output: TsType;
        readonly input: TsType;
      }
    | { readonly kind: 'codec'; readonly codec: SsekitCodec }
    | {
        readonly kind: 'object';
        readonly props: readonly { readonly key: string; readonly node: SchemaNode }[];
        readonly mode: 'strip' | 'strict' | 'loose' | 'catchall';
        readonly catchall: SchemaNode | undefined;
      }
    | { readonly kind: 'array'; readonly element: SchemaNode; readonly checks: string }
    | {
        readonly kind: 'tuple';
        readonly items: readonly SchemaNode[];
        readonly rest: SchemaNode | undefined;
      }
    | {
        readonly kind: 'record';
        readonly key: SchemaNode;
        readonly value: SchemaNode;
        readonly mode: 'record' | 'partial' | 'loose';
      }
    | {
        readonly kind: 'union';
        readonly options: readonly SchemaNode[];
        readonly discriminator: string | undefined;
        /** `z.xor()`: exactly one option may match. */
        readonly exclusive: boolean;
      }
    | { readonly kind: 'intersection'; readonly left: SchemaNode; readonly right: SchemaNode }
    | { readonly kind: 'wrapper'; readonly wrapper: Wrapper; readonly inner: SchemaNode }
    | {
        readonly kind: 'default';
        readonly method: 'default' | 'prefault';
        /** The default as source. */
        readonly value: string;
        readonly inner: SchemaNode;
      }
    | { readonly kind: 'pipe'; readonly from: SchemaNode; readonly to: SchemaNode }
    | { readonly kind: 'success'; readonly inner: SchemaNode }
    | { readonly kind: 'ref'; readonly target: Declaration }
  );

export type { SsekitCodec };

export type Wrapper = 'optional' | 'exactOptional' | 'nullable' | 'nonoptional' | 'readonly';

export interface NodeBase {
  readonly meta: NodeMeta | undefined;
  /** The key may be missing on the wire (zod's `optin`). */
  readonly optin: boolean;
  /** The key may be missing in decoded data (zod's `optout`). */
  readonly optout: boolean;
}

/** `.describe()` and `.meta()` texts: the description as TSDoc, other metadata as `z.meta()`. */
export interface NodeMeta {
  readonly description: string | undefined;
  /** Other metadata that has a source form, in the order it was given; `id` is left out. */
  readonly extra: readonly (readonly [string, string])[];
}

/**
 * A named schema of the generated module: each event, stream input and stream event, and each
 * recursive schema, which becomes a `z.lazy()` const with an explicit type.
 */
export interface Declaration {
  /** The decoded type, such as `Price`. */
  readonly typeName: string;
  /** The wire type, such as `PriceWire`. */
  readonly wireName: string;
  /** The schema const, such as `priceSchema`. */
  readonly constName: string;
  /** `events.price`: where it comes from, for messages. */
  readonly owner: string;
  node: SchemaNode | undefined;
  /** Referenced from inside itself: printed with `z.lazy()`. */
  recursive: boolean;
}

/** The nodes directly inside a node; a `ref` has none (its target is a declaration of its own). */
export function childrenOf(node: SchemaNode): readonly SchemaNode[] {
  switch (node.kind) {
    case 'object':
      return node.catchall
        ? [...node.props.map((p) => p.node), node.catchall]
        : node.props.map((p) => p.node);
    case 'array':
      return [node.element];
    case 'tuple':
      return node.rest ? [...node.items, node.rest] : node.items;
    case 'record':
      return [node.key, node.value];
    case 'union':
      return node.options;
    case 'intersection':
      return [node.left, node.right];
    case 'pipe':
      return [node.from, node.to];
    case 'wrapper':
    case 'default':
    case 'success':
      return [node.inner];
    case 'leaf':
    case 'codec':
    case 'ref':
      return [];
  }
}
