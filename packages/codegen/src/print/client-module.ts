// The print stage's module: the analyzed contract as the source of a standalone client module, the
// types, the validators (plain, or zod/mini), the rebuilt contract and createClient; format/ lays it
// out.
import * as plain from '@ssekit/client/schema';
import type { AnalyzedContract, EventEntry, StreamEntry } from '../analyze/contract.js';
import type { Declaration } from '../analyze/ir.js';
import {
  docComment,
  printObject,
  printType,
  propertyKey,
  type TsType,
} from '../analyze/ts-type.js';
import { printClientFactory } from './client-factory.js';
import { descriptionOf, typeOf, wireDiffers } from './types.js';
import { CODEC_SOURCES, codecsUsed, printZod } from './zod.js';

/**
 * What the generated module validates with. `auto`: the plain validators of
 * `@ssekit/client/schema` when every schema of the contract is within what they cover, zod/mini
 * otherwise; `zod`: zod/mini always, for an app that passes the exported schemas to zod's functions.
 */
export type ValidatorsOption = 'auto' | 'zod';

export interface ClientModuleOptions {
  /** The contract module as the header names it, relative to the generated file (`./events.ts`). */
  readonly source: string;
  /** @default 'auto' */
  readonly validators?: ValidatorsOption | undefined;
}

/** The names `@ssekit/client/schema` exports: the zod/mini functions it has a plain version of. */
const PLAIN_NAMES = new Set(Object.keys(plain));

/**
 * Whether printed zod/mini source calls only functions the plain validators have. It reads every
 * `z.name`, string literals included: a false match can only make the answer "no" (then zod/mini
 * is used, which is always right), never hide a call.
 */
export function plainCovers(source: string): boolean {
  for (const [, name] of source.matchAll(/\bz\.([A-Za-z_$][\w$]*)/g)) {
    if (!PLAIN_NAMES.has(name!)) return false;
  }
  return true;
}

/** The import and the schema type of each kind of validators. */
const VALIDATORS = {
  plain: {
    import: [
      "// zod/mini's names, ssekit's plain validators: the same checks, no zod in a browser bundle.",
      "import * as z from '@ssekit/client/schema';",
    ].join('\n'),
    type: 'z.Schema',
  },
  zod: { import: "import * as z from 'zod/mini';", type: 'z.ZodMiniType' },
} as const;

type Validators = (typeof VALIDATORS)[keyof typeof VALIDATORS];

function printNamedType(name: string, type: TsType, doc: string): string {
  if (type.kind === 'object')
    return `${doc}export interface ${name} ${printObject(type.props, type.index)}`;
  return `${doc}export type ${name} = ${printType(type)};`;
}

function printDeclaration(
  decl: Declaration,
  differs: (d: Declaration) => boolean,
  what: string,
  validators: Validators,
): string {
  const node = decl.node!;
  const description = descriptionOf(node);
  const parts = [
    printNamedType(decl.typeName, typeOf(node, 'output', differs), docComment(description ?? what)),
  ];
  const wireDoc = docComment(`{@link ${decl.typeName}} as it travels in JSON (the encoded form).`);
  parts.push(
    differs(decl)
      ? printNamedType(decl.wireName, typeOf(node, 'input', differs), wireDoc)
      : `${wireDoc}export type ${decl.wireName} = ${decl.typeName};`,
  );
  parts.push(
    `${docComment(`Validates and decodes ${what[0]!.toLowerCase()}${what.slice(1)}`)}` +
      `export const ${decl.constName}: ${validators.type}<${decl.typeName}, ${decl.wireName}> = ${printInit(decl)};`,
  );
  return parts.join('\n\n');
}

/** A declaration's validator source, `z.lazy()` around a recursive one. */
function printInit(decl: Declaration): string {
  const zod = printZod(decl.node!);
  return decl.recursive ? `z.lazy(() => ${zod})` : zod;
}

const stringList = (names: readonly string[]) =>
  `[${names.map((n) => JSON.stringify(n)).join(', ')}]`;

function printContract(events: readonly EventEntry[], streams: readonly StreamEntry[]): string {
  const eventLines = events.map(
    (e) => `${docComment(descriptionOf(e.decl.node!))}${propertyKey(e.name)}: ${e.decl.constName},`,
  );
  const streamLines = streams.map((s) => {
    const inner = s.events.map((e) => `${propertyKey(e.name)}: ${e.decl.constName},`);
    const description =
      s.description === undefined ? '' : `description: ${JSON.stringify(s.description)},\n`;
    return `${docComment(s.description)}${propertyKey(s.name)}: {\ninput: ${s.input.constName},\nevents: {\n${inner.join('\n')}\n},\n${description}},`;
  });
  return [
    '/**',
    ' * The contract, rebuilt from the schemas above: the same names and the same validation. Its names',
    ' * were checked by `defineContract` when this module was generated, so it is only branded here.',
    ' */',
    'export const contract = Object.freeze({',
    `events: {\n${eventLines.join('\n')}\n},`,
    `streams: {\n${streamLines.join('\n')}\n},`,
    "'~ssekit': 'contract',",
    '} as const);',
    '',
    "/** The contract's type, for the helpers of `@ssekit/core` such as `EventData<AppContract, 'price'>`. */",
    'export type AppContract = typeof contract;',
  ].join('\n');
}

/**
 * The source of a standalone client module for an analyzed contract: types, validators, the rebuilt
 * contract and `createClient`. It imports `@ssekit/client` (and `zod/mini` when the plain validators
 * do not cover a schema) only: never the contract module, never all of zod, so that a browser
 * bundle of it stays small. The printer breaks the lines; `formatModule` indents them.
 */
export function printClientModule(
  { events, streams, declarations: analyzed }: AnalyzedContract,
  options: ClientModuleOptions,
): string {
  const what = new Map<Declaration, string>();
  for (const e of events) what.set(e.decl, `The data of the \`${e.name}\` event.`);
  for (const s of streams) {
    what.set(s.input, `The input of the \`${s.name}\` stream.`);
    for (const e of s.events)
      what.set(e.decl, `The data of the \`${e.name}\` event of the \`${s.name}\` stream.`);
  }
  const memo = new Map<Declaration, boolean>();
  const differs = (d: Declaration) => {
    const known = memo.get(d);
    if (known !== undefined) return known;
    const value = wireDiffers(d);
    memo.set(d, value);
    return value;
  };

  const codecs = codecsUsed(analyzed.map((d) => d.node!));
  const codecSources = (['isoDate', 'bigintString'] as const)
    .filter((codec) => codecs.has(codec))
    .map((codec) => CODEC_SOURCES[codec]);
  const covered =
    options.validators !== 'zod' &&
    [...codecSources, ...analyzed.map(printInit)].every(plainCovers);
  const validators = covered ? VALIDATORS.plain : VALIDATORS.zod;
  const declarations = analyzed.map((d) =>
    printDeclaration(
      d,
      differs,
      what.get(d) ?? `The recursive schema found in ${d.owner}.`,
      validators,
    ),
  );

  return [
    `// Generated by ssekit generate from ${options.source}. Do not edit.`,
    'import {',
    'type ClientOptions,',
    'createClient as createSseClient,',
    'type SseClient,',
    "} from '@ssekit/client';",
    analyzed.length > 0 ? validators.import : '',
    '',
    ...codecSources.flatMap((source) => [source, '']),
    '/** The broadcast events of the contract, in the order it declares them. */',
    `export const eventNames = ${stringList(events.map((e) => e.name))} as const;`,
    '/** The name of a broadcast event. */',
    'export type EventName = (typeof eventNames)[number];',
    '',
    '/** The RPC streams of the contract, in the order it declares them. */',
    `export const streamNames = ${stringList(streams.map((s) => s.name))} as const;`,
    '/** The name of an RPC stream. */',
    'export type StreamName = (typeof streamNames)[number];',
    '',
    ...declarations.flatMap((d) => [d, '']),
    printContract(events, streams),
    '',
    printClientFactory(events, streams),
    '',
  ].join('\n');
}
