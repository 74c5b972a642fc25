import { Biome } from '@biomejs/js-api/nodejs';

/**
 * The style of generated files: fixed, so that the same contract gives the same bytes on every
 * machine whatever its editor settings. It is the style of this repository.
 */
const STYLE = {
  formatter: {
    enabled: true,
    indentStyle: 'space',
    indentWidth: 2,
    lineWidth: 100,
    lineEnding: 'lf',
  },
  javascript: {
    formatter: {
      quoteStyle: 'single',
      semicolons: 'always',
      trailingCommas: 'all',
      arrowParentheses: 'always',
    },
  },
} as const;

let instance: { biome: Biome; projectKey: number } | undefined;

function biome(): { biome: Biome; projectKey: number } {
  if (!instance) {
    const created = new Biome();
    const { projectKey } = created.openProject();
    created.applyConfiguration(projectKey, STYLE);
    instance = { biome: created, projectKey };
  }
  return instance;
}

/**
 * Format TypeScript source with Biome (its WebAssembly build, so no binary is needed).
 *
 * @throws Error when the source does not parse: a bug of the printer, reported with Biome's message.
 */
export function formatModule(source: string, filePath = 'generated.ts'): string {
  const { biome: b, projectKey } = biome();
  const result = b.formatContent(projectKey, source, { filePath });
  const errors = result.diagnostics.filter((d) => d.severity === 'error' || d.severity === 'fatal');
  if (errors.length > 0) {
    const text = errors
      .map((d) => b.printDiagnostics([d], { filePath, fileSource: source }))
      .join('\n');
    throw new Error(`ssekit generate printed source that does not parse:\n${text}`);
  }
  return result.content;
}

/** JSON with two-space indentation and a final newline, as every formatter leaves it. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
