// The last stage of generation: the printed module laid out in the repository's style (two-space
// indents by bracket depth, one blank line at most, a final newline), with no formatter dependency.

/** One line's code brackets in order (`+` opens, `-` closes), and whether a block comment is still open. */
interface LineScan {
  readonly brackets: string;
  /** Closing brackets before any opening one, on a line that starts with one: they close before the line is indented. */
  readonly leadingClosers: number;
  readonly inComment: boolean;
  /** The line with its double-quoted strings in single quotes. */
  readonly text: string;
}

const OPEN = new Set(['(', '[', '{']);
const CLOSE = new Set([')', ']', '}']);
/** After these (or at the start of a line) a `/` opens a regular expression, not a division. */
const BEFORE_REGEX = new Set(['', '(', ',', ':', '=', '[', '!', '&', '|', '?', '{', '}', ';']);

/** Skip a quoted string or a template from `start` (its opening quote); returns the index past it. */
function skipQuoted(line: string, start: number): number {
  const quote = line[start]!;
  let i = start + 1;
  while (i < line.length && line[i] !== quote) i += line[i] === '\\' ? 2 : 1;
  return i + 1;
}

/**
 * A double-quoted literal (as `JSON.stringify` prints it) in single quotes, the repository's style,
 * unless it holds a single quote: then it stays as it is, as a formatter would leave it.
 */
function singleQuoted(literal: string): string {
  const body = literal.slice(1, -1);
  if (body.includes("'")) return literal;
  return `'${body.replaceAll('\\"', '"')}'`;
}

/** Skip a regular expression literal from its opening `/`, classes (`[/]`) included. */
function skipRegex(line: string, start: number): number {
  let i = start + 1;
  let inClass = false;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === '/' && !inClass) return i + 1;
    if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    i++;
  }
  return i;
}

/**
 * Count the brackets of one line that are code: those in strings, templates, regular expressions
 * and comments do not count. The printer emits no template spanning lines and no division.
 */
function scanLine(line: string, inComment: boolean): LineScan {
  let brackets = '';
  let leadingClosers = 0;
  let text = '';
  let copied = 0;
  let leading = true;
  let previous = '';
  let i = 0;
  while (i < line.length) {
    const c = line[i]!;
    if (inComment) {
      const end = line.indexOf('*/', i);
      if (end === -1) return { brackets, leadingClosers, inComment: true, text: line };
      inComment = false;
      i = end + 2;
      continue;
    }
    if (c === '/' && line[i + 1] === '/') break;
    if (c === '/' && line[i + 1] === '*') {
      inComment = true;
      i += 2;
      continue;
    }
    if (c === '"') {
      const end = skipQuoted(line, i);
      text += line.slice(copied, i) + singleQuoted(line.slice(i, end));
      copied = end;
      i = end;
    } else if (c === "'" || c === '`') i = skipQuoted(line, i);
    else if (c === '/' && BEFORE_REGEX.has(previous)) i = skipRegex(line, i);
    else {
      if (OPEN.has(c)) brackets += '+';
      if (CLOSE.has(c)) {
        brackets += '-';
        if (leading) leadingClosers++;
      }
      i++;
    }
    if (c !== ' ') {
      // A line that starts by closing closes, before it is indented, every bracket up to its first
      // opening one: `} as const);` sits where `})` would.
      if (OPEN.has(c) || (brackets === '' && !CLOSE.has(c))) leading = false;
      previous = c;
    }
  }
  return { brackets, leadingClosers, inComment, text: text + line.slice(copied) };
}

/**
 * Lay out printed TypeScript: a line that leaves brackets open indents the lines after it one step
 * (one step however many it opens, so `z.object({` indents once), until they close; a line that
 * starts by closing goes back first. ` * ` lines of a block comment sit one space in from its `/**`;
 * trailing spaces and runs of blank lines go, one final newline stays. The printer decides the line
 * breaks and this decides nothing else, so the same input gives the same bytes everywhere.
 */
export function formatModule(source: string): string {
  const out: string[] = [];
  // One entry per indent step: how many brackets the line that opened it left open.
  const levels: number[] = [];
  const close = () => {
    if (levels.length === 0) return;
    levels[levels.length - 1]!--;
    if (levels[levels.length - 1] === 0) levels.pop();
  };
  let inComment = false;
  for (const raw of source.split('\n')) {
    const line = raw.trim();
    if (line === '') {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      continue;
    }
    if (inComment) {
      out.push(`${'  '.repeat(levels.length)} ${line}`);
      inComment = scanLine(line, true).inComment;
      continue;
    }
    const scan = scanLine(line, false);
    for (let i = 0; i < scan.leadingClosers; i++) close();
    out.push(`${'  '.repeat(levels.length)}${scan.text}`);
    let open = 0;
    for (const bracket of scan.brackets.slice(scan.leadingClosers)) {
      if (bracket === '+') open++;
      else if (open > 0) open--;
      else close();
    }
    if (open > 0) levels.push(open);
    inComment = scan.inComment;
  }
  while (out[out.length - 1] === '') out.pop();
  return `${out.join('\n')}\n`;
}

/** JSON with two-space indentation and a final newline, as every formatter leaves it. */
export function formatJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
