// The analyze stage's walk over one zod schema: objects, arrays, unions, recursion and the leaves,
// into the intermediate tree (ir.ts), refusing what cannot travel in JSON or be printed.
import { codecOf, pascalCase } from '@ssekit/core';
import type { z } from 'zod';
import { CodegenErrorCode, type SchemaLocation, schemaError } from '../errors.js';
import type { Declaration, SchemaNode } from './ir.js';
import {
  printDefault,
  printEnum,
  printLiteral,
  rejectUnknownOptions,
  templateText,
  templateType,
} from './leaves.js';
import { mergeMeta, metaId, readMeta } from './meta.js';
import type { DeclarationNames, NameRegistry } from './names.js';
import { printLengthCheck, printNumberSchema, printString, rejectChecks } from './primitives.js';
import { raw, type TsType } from './ts-type.js';
import { printValue } from './values.js';

type Schema = z.core.$ZodType;
type Def = Record<string, unknown> & { readonly type: string };

/** Deeper than this, a schema is taken to be endless (a getter that builds a new schema each time). */
const MAX_DEPTH = 256;

interface Ctx {
  readonly owner: string;
  readonly ownerType: string;
  readonly path: string;
  /** Pascal-case path segments, to name a recursive schema found here. */
  readonly names: readonly string[];
  /** Directly under an object key or record value, where `undefined` means "key left out". */
  readonly inProperty: boolean;
  readonly depth: number;
}

interface Frame {
  readonly ctx: Ctx;
  decl: Declaration | undefined;
}

const location = (ctx: Ctx): SchemaLocation => ({ owner: ctx.owner, path: ctx.path });

const child = (ctx: Ctx, path: string, name: string, inProperty = false): Ctx => ({
  ...ctx,
  path: ctx.path + path,
  names: name === '' ? ctx.names : [...ctx.names, name],
  inProperty,
  depth: ctx.depth + 1,
});

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const keyPath = (key: string) => (IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`);

const defOf = (schema: Schema) => schema._zod.def as unknown as Def;

const NO_JSON_FORM: Readonly<Record<string, string>> = {
  bigint: 'z.bigint() (use bigintString() from @ssekit/core)',
  date: 'z.date() (use isoDate() from @ssekit/core)',
  symbol: 'z.symbol()',
  map: 'z.map()',
  set: 'z.set()',
  function: 'z.function()',
  promise: 'z.promise()',
  file: 'z.file()',
  nan: 'z.nan()',
};

const NOT_PRINTABLE: Readonly<Record<string, string>> = {
  custom: 'z.custom() or z.instanceof()',
  transform: 'a transform (.transform(), z.preprocess())',
  catch: '.catch()',
};

/**
 * Turns zod schemas into `SchemaNode` trees, one `Declaration` per top-level schema plus one per
 * recursive schema. Errors name the event and the path inside its schema.
 */
export class SchemaAnalyzer {
  /** Every declaration, each after the ones its schema needs at module load. */
  readonly declarations: Declaration[] = [];
  readonly #names: NameRegistry;
  readonly #recursive = new Map<Schema, Declaration>();
  readonly #stack = new Map<Schema, Frame>();

  constructor(names: NameRegistry) {
    this.#names = names;
  }

  /** Analyze a top-level schema: `owner` is `events.price`, `names` were claimed for it beforehand. */
  declare(schema: Schema, owner: string, names: DeclarationNames): Declaration {
    const decl: Declaration = { ...names, owner, node: undefined, recursive: false };
    const ctx: Ctx = {
      owner,
      ownerType: decl.typeName,
      path: '',
      names: [],
      inProperty: false,
      depth: 0,
    };
    const known = this.#recursive.get(schema);
    if (known) {
      decl.node = this.#ref(known, schema);
    } else {
      this.#stack.set(schema, { ctx, decl });
      try {
        decl.node = this.#analyze(schema, ctx);
      } finally {
        this.#stack.delete(schema);
      }
    }
    this.declarations.push(decl);
    return decl;
  }

  #walk(schema: Schema, ctx: Ctx): SchemaNode {
    const known = this.#recursive.get(schema);
    if (known) return this.#ref(known, schema);
    const frame = this.#stack.get(schema);
    if (frame) {
      frame.decl ??= this.#declFor(schema, frame.ctx);
      frame.decl.recursive = true;
      this.#recursive.set(schema, frame.decl);
      return this.#ref(frame.decl, schema);
    }
    if (ctx.depth > MAX_DEPTH) {
      throw schemaError(CodegenErrorCode.NOT_PRINTABLE, location(ctx), 'a schema nested this deep');
    }
    const own: Frame = { ctx, decl: undefined };
    this.#stack.set(schema, own);
    let node: SchemaNode;
    try {
      node = this.#analyze(schema, ctx);
    } finally {
      this.#stack.delete(schema);
    }
    if (!own.decl) return node;
    own.decl.node = node;
    this.declarations.push(own.decl);
    return this.#ref(own.decl, schema);
  }

  #declFor(schema: Schema, ctx: Ctx): Declaration {
    const id = metaId(schema);
    const base =
      id !== undefined && /[A-Za-z]/.test(id)
        ? pascalCase(id)
        : `${ctx.ownerType}${ctx.names.length === 0 ? 'Node' : ctx.names.join('')}`;
    const owner = ctx.path === '' ? ctx.owner : `${ctx.owner} at ${ctx.path}`;
    return { ...this.#names.claim(base), owner, node: undefined, recursive: true };
  }

  #ref(target: Declaration, schema: Schema): SchemaNode {
    return { kind: 'ref', target, meta: undefined, ...this.#optionality(schema) };
  }

  #optionality(schema: Schema) {
    return { optin: schema._zod.optin !== undefined, optout: schema._zod.optout !== undefined };
  }

  #analyze(schema: Schema, ctx: Ctx): SchemaNode {
    const def = defOf(schema);
    const base = { meta: readMeta(schema), ...this.#optionality(schema) };
    const codec = codecOf(schema);
    if (codec) return { ...base, kind: 'codec', codec };
    const leaf = (zod: string, output: TsType, input: TsType = output): SchemaNode => ({
      ...base,
      kind: 'leaf',
      zod,
      output,
      input,
    });
    const loc = location(ctx);
    rejectUnknownOptions(def, loc);
    switch (def.type) {
      case 'string':
        return leaf(
          printString(def, loc),
          raw('string'),
          def.coerce ? raw('unknown') : raw('string'),
        );
      case 'number':
        return leaf(
          printNumberSchema(def, loc),
          raw('number'),
          def.coerce ? raw('unknown') : raw('number'),
        );
      case 'boolean':
        rejectChecks(def, loc);
        return def.coerce
          ? leaf('z.coerce.boolean()', raw('boolean'), raw('unknown'))
          : leaf('z.boolean()', raw('boolean'));
      case 'null':
        return leaf('z.null()', raw('null'));
      case 'any':
      case 'unknown':
      case 'never':
        return leaf(`z.${def.type}()`, raw(def.type));
      case 'undefined':
      case 'void':
        if (!ctx.inProperty) {
          throw schemaError(
            CodegenErrorCode.NO_JSON_FORM,
            loc,
            `z.${def.type}() outside an object property`,
          );
        }
        return leaf(`z.${def.type}()`, raw(def.type === 'void' ? 'void' : 'undefined'));
      case 'literal': {
        const printed = printLiteral(schema, loc, ctx.inProperty);
        return leaf(printed.zod, printed.output);
      }
      case 'enum': {
        const printed = printEnum(schema, loc);
        return leaf(printed.zod, printed.output);
      }
      case 'template_literal':
        return this.#templateLiteral(def, ctx, leaf);
      case 'object':
        return this.#object(def, ctx, base);
      case 'array':
        return {
          ...base,
          kind: 'array',
          element: this.#walk(def.element as Schema, child(ctx, '[number]', 'Item')),
          checks: rejectChecks(def, loc, printLengthCheck),
        };
      case 'tuple':
        rejectChecks(def, loc);
        return {
          ...base,
          kind: 'tuple',
          items: (def.items as Schema[]).map((item, i) =>
            this.#walk(item, child(ctx, `[${i}]`, `Item${i}`)),
          ),
          rest: def.rest ? this.#walk(def.rest as Schema, child(ctx, '[...]', 'Rest')) : undefined,
        };
      case 'record':
        rejectChecks(def, loc);
        return {
          ...base,
          kind: 'record',
          key: this.#walk(def.keyType as Schema, child(ctx, '<key>', 'Key')),
          value: this.#walk(def.valueType as Schema, child(ctx, '[string]', 'Value', true)),
          mode:
            def.mode === 'loose'
              ? 'loose'
              : def.partial || def.mode === 'partial'
                ? 'partial'
                : 'record',
        };
      case 'union':
        return this.#union(def, ctx, base);
      case 'intersection':
        rejectChecks(def, loc);
        return {
          ...base,
          kind: 'intersection',
          left: this.#walk(def.left as Schema, child(ctx, '(left)', '')),
          right: this.#walk(def.right as Schema, child(ctx, '(right)', '')),
        };
      case 'optional':
      case 'nullable':
      case 'nonoptional':
      case 'readonly': {
        const wrapper =
          def.type === 'optional' && schema._zod.traits.has('$ZodExactOptional')
            ? 'exactOptional'
            : def.type;
        const inner = this.#walk(def.innerType as Schema, { ...ctx, depth: ctx.depth + 1 });
        return { ...base, kind: 'wrapper', wrapper, inner };
      }
      case 'default':
      case 'prefault':
        return {
          ...base,
          kind: 'default',
          method: def.type,
          value: printDefault(def, loc),
          inner: this.#walk(def.innerType as Schema, { ...ctx, depth: ctx.depth + 1 }),
        };
      case 'lazy': {
        // Not recursive (that is a `ref`, found through the stack): the lazy wrapper changes nothing.
        const inner = this.#walk((schema as z.ZodLazy)._zod.innerType as Schema, {
          ...ctx,
          depth: ctx.depth + 1,
        });
        return { ...inner, meta: mergeMeta(inner.meta, base.meta) };
      }
      case 'pipe':
        return this.#pipe(def, ctx, base);
      case 'success':
        return {
          ...base,
          kind: 'success',
          inner: this.#walk(def.innerType as Schema, { ...ctx, depth: ctx.depth + 1 }),
        };
      default: {
        const noJson = NO_JSON_FORM[def.type];
        if (noJson) throw schemaError(CodegenErrorCode.NO_JSON_FORM, loc, noJson);
        const what = NOT_PRINTABLE[def.type] ?? `the zod type "${def.type}"`;
        throw schemaError(CodegenErrorCode.NOT_PRINTABLE, loc, what);
      }
    }
  }

  #templateLiteral(def: Def, ctx: Ctx, leaf: (zod: string, out: TsType) => SchemaNode): SchemaNode {
    const zodParts: string[] = [];
    let type = '';
    for (const [i, part] of (def.parts as unknown[]).entries()) {
      if (typeof part === 'object' && part !== null && '_zod' in part) {
        const node = this.#walk(part as Schema, child(ctx, `(part ${i})`, ''));
        if (node.kind !== 'leaf') {
          throw schemaError(
            CodegenErrorCode.NOT_PRINTABLE,
            location(ctx),
            'this template literal part',
          );
        }
        zodParts.push(node.zod);
        type += `\${${templateType(node.output)}}`;
      } else {
        const printed = printValue(part);
        if (printed === undefined || typeof part === 'bigint') {
          throw schemaError(
            CodegenErrorCode.NO_JSON_FORM,
            location(ctx),
            'this template literal part',
          );
        }
        zodParts.push(printed);
        type += templateText(part);
      }
    }
    return leaf(`z.templateLiteral([${zodParts.join(', ')}])`, raw(`\`${type}\``));
  }

  #object(def: Def, ctx: Ctx, base: Pick<SchemaNode, 'meta' | 'optin' | 'optout'>): SchemaNode {
    rejectChecks(def, location(ctx));
    const shape = def.shape as Record<string, Schema>;
    const props = Object.keys(shape).map((key) => ({
      key,
      node: this.#walk(shape[key]!, child(ctx, keyPath(key), pascalCase(key), true)),
    }));
    const catchall = def.catchall as Schema | undefined;
    const catchallType = catchall ? defOf(catchall).type : undefined;
    const mode =
      catchallType === undefined
        ? 'strip'
        : catchallType === 'never'
          ? 'strict'
          : catchallType === 'unknown'
            ? 'loose'
            : 'catchall';
    return {
      ...base,
      kind: 'object',
      props,
      mode,
      catchall:
        mode === 'catchall'
          ? this.#walk(catchall!, child(ctx, '[string]', 'Value', true))
          : undefined,
    };
  }

  #union(def: Def, ctx: Ctx, base: Pick<SchemaNode, 'meta' | 'optin' | 'optout'>): SchemaNode {
    rejectChecks(def, location(ctx));
    if (def.unionFallback) {
      throw schemaError(
        CodegenErrorCode.NOT_PRINTABLE,
        location(ctx),
        'a discriminated union with unionFallback',
      );
    }
    const options = (def.options as Schema[]).map((option, i) =>
      this.#walk(option, child(ctx, `(option ${i + 1})`, `Option${i + 1}`, ctx.inProperty)),
    );
    const discriminator = typeof def.discriminator === 'string' ? def.discriminator : undefined;
    return { ...base, kind: 'union', options, discriminator, exclusive: def.inclusive === false };
  }

  #pipe(def: Def, ctx: Ctx, base: Pick<SchemaNode, 'meta' | 'optin' | 'optout'>): SchemaNode {
    if (typeof def.transform === 'function') {
      throw schemaError(
        CodegenErrorCode.NOT_PRINTABLE,
        location(ctx),
        'a codec other than isoDate() and bigintString()',
      );
    }
    const from = this.#walk(def.in as Schema, child(ctx, '(in)', '', ctx.inProperty));
    const to = this.#walk(def.out as Schema, child(ctx, '(out)', '', ctx.inProperty));
    return { ...base, kind: 'pipe', from, to };
  }
}
