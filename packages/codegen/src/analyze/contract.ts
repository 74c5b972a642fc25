// The analyze stage for a whole contract: every name claimed first, in contract order, then each
// event's, stream input's and stream event's schema walked into declarations for the printers.
import { type AnyContract, pascalCase } from '@ssekit/core';
import type { Declaration } from './ir.js';
import { type DeclarationNames, NameRegistry } from './names.js';
import { SchemaAnalyzer } from './schema.js';

/** A broadcast event, or an event of a stream, and the declaration of its data. */
export interface EventEntry {
  readonly name: string;
  readonly decl: Declaration;
}

/** An RPC stream: its input's declaration and its events. */
export interface StreamEntry {
  readonly name: string;
  readonly description: string | undefined;
  readonly input: Declaration;
  readonly events: readonly EventEntry[];
}

/** What the printers need of a contract. */
export interface AnalyzedContract {
  readonly events: readonly EventEntry[];
  readonly streams: readonly StreamEntry[];
  /** Every declaration in print order: the contract's own, and the recursive schemas found in them. */
  readonly declarations: readonly Declaration[];
}

/** A declaration to be: its names are claimed before any schema is analyzed, in contract order. */
interface Planned {
  readonly schema: Parameters<SchemaAnalyzer['declare']>[0];
  readonly owner: string;
  readonly names: DeclarationNames;
}

/**
 * Analyze every schema of a contract. Names are claimed before any schema is walked, so that the
 * contract's own names (`Price`) win over names found inside schemas, the same on every run.
 *
 * @throws CodegenError `NO_JSON_FORM` or `NOT_PRINTABLE`, naming the event and the path.
 */
export function analyzeContract(contract: AnyContract): AnalyzedContract {
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
  return { events, streams, declarations: analyzer.declarations };
}
