import { type AnyContract, pascalCase } from '@ssekit/core';
import type { Declaration } from '../analyze/ir.js';
import { type DeclarationNames, NameRegistry } from '../analyze/names.js';
import { SchemaAnalyzer } from '../analyze/schema.js';
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

export interface ClientModuleOptions {
  /** The contract module as the header names it, relative to the generated file (`./events.ts`). */
  readonly source: string;
}

interface EventEntry {
  readonly name: string;
  readonly decl: Declaration;
}

interface StreamEntry {
  readonly name: string;
  readonly description: string | undefined;
  readonly input: Declaration;
  readonly events: readonly EventEntry[];
}

/** A declaration to be: its names are claimed before any schema is analyzed, in contract order. */
interface Planned {
  readonly schema: Parameters<SchemaAnalyzer['declare']>[0];
  readonly owner: string;
  readonly names: DeclarationNames;
}

function printNamedType(name: string, type: TsType, doc: string): string {
  if (type.kind === 'object')
    return `${doc}export interface ${name} ${printObject(type.props, type.index)}`;
  return `${doc}export type ${name} = ${printType(type)};`;
}

function printDeclaration(
  decl: Declaration,
  differs: (d: Declaration) => boolean,
  what: string,
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
  const zod = printZod(node);
  const init = decl.recursive ? `z.lazy(() => ${zod})` : zod;
  parts.push(
    `${docComment(`Validates and decodes ${what[0]!.toLowerCase()}${what.slice(1)}`)}` +
      `export const ${decl.constName}: z.ZodMiniType<${decl.typeName}, ${decl.wireName}> = ${init};`,
  );
  return parts.join('\n\n');
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
    '/** The contract, rebuilt from the schemas above: the same names and the same validation. */',
    'export const contract = defineContract({',
    `events: {\n${eventLines.join('\n')}\n},`,
    `streams: {\n${streamLines.join('\n')}\n},`,
    '});',
    '',
    "/** The contract's type, for the helpers of `@ssekit/core` such as `EventData<AppContract, 'price'>`. */",
    'export type AppContract = typeof contract;',
  ].join('\n');
}

/**
 * The source of a standalone client module for a contract: types, validators, the rebuilt contract and
 * `createClient`. It imports `zod/mini` and `@ssekit/client` only: never the contract module, never
 * all of zod, so that a browser bundle of it stays small.
 * The printer breaks the lines; `formatModule` indents them.
 */
export function printClientModule(contract: AnyContract, options: ClientModuleOptions): string {
  const registry = new NameRegistry();
  const plan = (schema: Planned['schema'], owner: string, base: string): Planned => ({
    schema,
    owner,
    names: registry.claim(base),
  });
  const eventPlans = Object.entries(contract.events).map(([name, schema]) => ({
    name,
    plan: plan(schema, `events.${name}`, pascalCase(name)),
  }));
  const streamPlans = Object.entries(contract.streams).map(([name, stream]) => ({
    name,
    description: stream.description,
    input: plan(stream.input, `streams.${name}.input`, `${pascalCase(name)}Input`),
    events: Object.entries(stream.events).map(([event, schema]) => ({
      name: event,
      plan: plan(
        schema,
        `streams.${name}.events.${event}`,
        `${pascalCase(name)}${pascalCase(event)}`,
      ),
    })),
  }));

  const analyzer = new SchemaAnalyzer(registry);
  const declare = (p: Planned) => analyzer.declare(p.schema, p.owner, p.names);
  const events: EventEntry[] = eventPlans.map((e) => ({ name: e.name, decl: declare(e.plan) }));
  const streams: StreamEntry[] = streamPlans.map((s) => ({
    name: s.name,
    description: s.description,
    input: declare(s.input),
    events: s.events.map((e) => ({ name: e.name, decl: declare(e.plan) })),
  }));

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

  const codecs = codecsUsed(analyzer.declarations.map((d) => d.node!));
  const declarations = analyzer.declarations.map((d) =>
    printDeclaration(d, differs, what.get(d) ?? `The recursive schema found in ${d.owner}.`),
  );

  return [
    `// Generated by ssekit generate from ${options.source}. Do not edit.`,
    'import {',
    'type ClientOptions,',
    'createClient as createSseClient,',
    'defineContract,',
    'type SseClient,',
    "} from '@ssekit/client';",
    analyzer.declarations.length > 0 ? "import * as z from 'zod/mini';" : '',
    '',
    ...(['isoDate', 'bigintString'] as const)
      .filter((codec) => codecs.has(codec))
      .flatMap((codec) => [CODEC_SOURCES[codec], '']),
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
