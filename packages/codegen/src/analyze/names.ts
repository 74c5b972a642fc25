// Names of the generated module. Every declaration takes three: `Price`, `PriceWire` and
// `priceSchema`; a name that is taken gets a number (`Price2`), in the order the contract declares
// things, so the same contract always gets the same names.

/**
 * Names the module itself uses, and the globals that its types refer to: a contract with an event
 * called `date` must not shadow `Date`.
 */
const RESERVED = [
  'z',
  'defineContract',
  'isoDate',
  'bigintString',
  'createSseClient',
  'createClient',
  'ClientOptions',
  'SseClient',
  'contract',
  'AppContract',
  'eventNames',
  'streamNames',
  'EventName',
  'StreamName',
  'Array',
  'ReadonlyArray',
  'Date',
  'Record',
  'Partial',
  'Readonly',
  'Object',
  'String',
  'Number',
  'Boolean',
  'BigInt',
  'Symbol',
  'Promise',
  'Map',
  'Set',
  'JSON',
];

export interface DeclarationNames {
  readonly typeName: string;
  readonly wireName: string;
  readonly constName: string;
}

export class NameRegistry {
  readonly #taken = new Set<string>(RESERVED);

  /** Claim a type name, its `Wire` twin and its `Schema` const, numbered when any is taken. */
  claim(base: string): DeclarationNames {
    for (let n = 1; ; n++) {
      const typeName = n === 1 ? base : `${base}${n}`;
      const names = {
        typeName,
        wireName: `${typeName}Wire`,
        constName: `${typeName[0]!.toLowerCase()}${typeName.slice(1)}Schema`,
      };
      if (Object.values(names).some((name) => this.#taken.has(name))) continue;
      for (const name of Object.values(names)) this.#taken.add(name);
      return names;
    }
  }
}
