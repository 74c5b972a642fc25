// The parser's first step: decoded text in chunks → complete lines, CR, LF and CRLF alike, a line
// cut by a chunk boundary joined once, and a line past the bound dropped. Used by `parse.ts`.

/** What the line splitter calls. */
export interface LineSink {
  /** A complete line, `text[start, end)`: indexes instead of a slice, so that only values are copied. */
  line(text: string, start: number, end: number): void;
  /** A line passed the bound: it is dropped (the rest of it too, however it arrives). */
  tooLong(): void;
}

export interface LineSplitter {
  /** Split `text` from `start` (past a BOM, for instance) into lines; keep an unterminated end. */
  feed(text: string, start: number): void;
  /** Forget the unterminated line and the CR state: end of stream. */
  reset(): void;
}

/** A line splitter that hands lines no longer than `maxLength` to `sink`. */
export function createLineSplitter(maxLength: number, sink: LineSink): LineSplitter {
  // Plain closures, called directly on the hot path (the sink's methods use no `this`).
  const { line: takeComplete, tooLong } = sink;
  // A line cut by a chunk boundary is kept as parts and joined once: appending to one string and
  // rescanning it on every chunk would make a long line quadratic.
  let partial: string[] = [];
  let partialLength = 0;
  // A CR that ended the previous chunk: a LF at the start of the next one belongs to it (CRLF).
  let afterCR = false;
  // Set when a line passed the bound: its rest is skipped up to its line end.
  let skippingLine = false;

  function clearPartial(): void {
    partial = [];
    partialLength = 0;
  }

  /** A complete line `text[start, end)`, joined with the parts earlier chunks left. */
  function takeLine(text: string, start: number, end: number): void {
    if (skippingLine) {
      // The rest of an over-long line: drop it; the event it belonged to is already dropped.
      skippingLine = false;
    } else if (partial.length > 0) {
      partial.push(text.slice(start, end));
      const line = partial.join('');
      clearPartial();
      if (line.length > maxLength) tooLong();
      else takeComplete(line, 0, line.length);
    } else if (end - start > maxLength) {
      // A line past the bound is dropped whether it came in one chunk or in many: the outcome
      // must not depend on where the chunks were cut.
      tooLong();
    } else {
      takeComplete(text, start, end);
    }
  }

  /** The unterminated end of a chunk: kept for the next one, within the bound. */
  function keepPartial(text: string, start: number): void {
    if (skippingLine || start >= text.length) return;
    const rest = text.slice(start);
    partial.push(rest);
    partialLength += rest.length;
    if (partialLength > maxLength) {
      clearPartial();
      skippingLine = true;
      tooLong();
    }
  }

  function feed(text: string, from: number): void {
    let start = from;
    if (afterCR && start < text.length) {
      afterCR = false;
      if (text.charCodeAt(start) === 0x0a) start += 1;
    }
    // Most streams end lines with LF alone: then one indexOf per line finds every line end.
    if (text.indexOf('\r', start) === -1) {
      let lf = text.indexOf('\n', start);
      while (lf !== -1) {
        takeLine(text, start, lf);
        start = lf + 1;
        lf = text.indexOf('\n', start);
      }
      keepPartial(text, start);
      return;
    }
    // The next CR and LF positions are cached and only searched again once passed, so each chunk is
    // scanned once however it mixes line ends.
    let cr = text.indexOf('\r', start);
    let lf = text.indexOf('\n', start);
    while (start < text.length) {
      if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
      if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        keepPartial(text, start);
        return;
      }
      takeLine(text, start, end);
      if (end === cr) {
        if (end + 1 < text.length) {
          start = text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1;
        } else {
          // [spec] a CR at the end of a chunk ends the line now; a LF that follows it is skipped.
          afterCR = true;
          start = end + 1;
        }
      } else {
        start = end + 1;
      }
    }
  }

  return {
    feed,
    reset() {
      clearPartial();
      afterCR = false;
      skippingLine = false;
    },
  };
}
