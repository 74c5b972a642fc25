/**
 * The report's sections by `## ` heading, and the merge that writes the runner's own sections over
 * an existing BENCHMARKS.md while keeping, in place and in order, the sections other scripts wrote.
 */

/**
 * How the `## ` headings the runner writes begin (see `markdown.ts`). A heading that begins
 * otherwise belongs to another script (the adapters' runs, `bench:client-size`, `redis-bench`)
 * or to a person, and a run keeps it. A run replaces the runner's sections even when it did not
 * measure that scenario this time: the report's opening line names one command and one commit.
 */
export const RUNNER_HEADINGS = [
  'Headline: burst fan-out',
  'Burst fan-out, every size',
  'Steady rate:',
  'Connections:',
  'RPC stream:',
  'Predicate fan-out:',
  'Resume storm:',
  'Problems and gaps',
  'Machine',
  'Contenders and versions',
] as const;

export interface Section {
  /** The heading's text, without `## `. */
  readonly heading: string;
  /** The section's lines, its heading line first, trailing blank lines left out. */
  readonly text: string;
}

export interface Sections {
  /** Everything before the first `## ` heading: the title and the run's opening lines. */
  readonly preamble: string;
  readonly sections: readonly Section[];
}

/** The runner's kind of a heading (one of `RUNNER_HEADINGS`), or `undefined` for another's. */
export function runnerKind(heading: string): string | undefined {
  return RUNNER_HEADINGS.find((k) =>
    k.endsWith(':') ? heading.startsWith(k) : heading === k || heading.startsWith(`${k},`),
  );
}

/** Split Markdown at its `## ` headings (not `###`, not inside a fenced code block). */
export function splitSections(markdown: string): Sections {
  const lines = markdown.split('\n');
  const parts: { heading: string | undefined; lines: string[] }[] = [
    { heading: undefined, lines: [] },
  ];
  let fence: string | undefined;
  for (const line of lines) {
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (opener !== undefined) {
      if (fence === undefined) fence = opener;
      else if (opener[0] === fence[0] && opener.length >= fence.length) fence = undefined;
    }
    if (fence === undefined && line.startsWith('## ')) {
      parts.push({ heading: line.slice(3).trim(), lines: [line] });
    } else {
      parts.at(-1)?.lines.push(line);
    }
  }
  const body = (part: { lines: string[] }) => part.lines.join('\n').trimEnd();
  return {
    preamble: body(parts[0] ?? { lines: [] }),
    sections: parts.slice(1).map((p) => ({ heading: p.heading ?? '', text: body(p) })),
  };
}

/**
 * The runner's fresh report (`next`) with every section of the `previous` file that the runner
 * does not write kept: each goes right after the runner's section it followed before (the same
 * heading, else the last of the same kind, else the one before that, and so on; the top of the
 * report when none is left), and those that followed one section keep their order.
 */
export function keepOtherSections(previous: string | undefined, next: string): string {
  if (previous === undefined || previous.trim() === '') return next;
  const old = splitSections(previous);
  const fresh = splitSections(next);
  // Another's section, and not one that `next` holds already.
  const isKept = (s: Section) =>
    runnerKind(s.heading) === undefined && !fresh.sections.some((f) => f.heading === s.heading);
  if (!old.sections.some(isKept)) return next;

  // Where in `fresh` a section of the runner's from `previous` now stands, if anywhere.
  const placeOf = (heading: string): number | undefined => {
    const same = fresh.sections.findIndex((s) => s.heading === heading);
    if (same >= 0) return same;
    const kind = runnerKind(heading);
    const last = fresh.sections.findLastIndex((s) => runnerKind(s.heading) === kind);
    return last >= 0 ? last : undefined;
  };
  // Kept sections by the index of the fresh section they follow; -1 is the top.
  const after = new Map<number, Section[]>();
  old.sections.forEach((section, i) => {
    if (!isKept(section)) return;
    let place = -1;
    for (let j = i - 1; j >= 0; j--) {
      const before = old.sections[j]!;
      if (runnerKind(before.heading) === undefined) continue;
      const found = placeOf(before.heading);
      if (found !== undefined) {
        place = found;
        break;
      }
    }
    after.set(place, [...(after.get(place) ?? []), section]);
  });

  const out: string[] = [fresh.preamble, ...(after.get(-1) ?? []).map((s) => s.text)];
  fresh.sections.forEach((section, i) => {
    out.push(section.text, ...(after.get(i) ?? []).map((s) => s.text));
  });
  return `${out.filter((t) => t !== '').join('\n\n')}\n`;
}
