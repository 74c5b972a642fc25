// The load generator's event count: `MarkerCounter` finds the workload's marker bytes in raw socket
// reads, so that most clients count events without parsing them.

/**
 * Counts occurrences of a byte string across a stream of buffers, including occurrences split
 * between two buffers. This is the hot path of the load generator: `Buffer#indexOf` runs in C++,
 * so a read of 64 KiB costs a handful of native calls, no event is decoded or parsed, and a read
 * allocates nothing (in a steady-rate run every event arrives as its own small read on each socket).
 */
export class MarkerCounter {
  private readonly needle: Buffer;
  /** The last `needle.length - 1` bytes seen, right-aligned; `carryLength` of them are valid. */
  private readonly carry: Buffer;
  private carryLength = 0;
  count = 0;

  constructor(marker: string) {
    this.needle = Buffer.from(marker);
    this.carry = Buffer.alloc(Math.max(0, this.needle.length - 1));
  }

  feed(buf: Buffer): void {
    if (this.carryLength > 0) this.count += this.straddling(buf);
    let i = buf.indexOf(this.needle);
    while (i !== -1) {
      this.count++;
      i = buf.indexOf(this.needle, i + this.needle.length);
    }
    this.keepTail(buf);
  }

  /** Matches that begin in the carry and end in `buf`: the carry alone is too short to hold one. */
  private straddling(buf: Buffer): number {
    const needle = this.needle;
    const keep = this.carry.length;
    let n = 0;
    // `head` bytes of the match lie in the carry, the rest at the start of `buf`.
    for (let head = Math.min(this.carryLength, keep); head >= 1; head--) {
      const tail = needle.length - head;
      if (tail > buf.length) continue;
      let ok = true;
      for (let k = 0; k < head && ok; k++) ok = this.carry[keep - head + k] === needle[k];
      for (let k = 0; k < tail && ok; k++) ok = buf[k] === needle[head + k];
      if (ok) n++;
    }
    return n;
  }

  private keepTail(buf: Buffer): void {
    const keep = this.carry.length;
    if (keep === 0) return;
    if (buf.length >= keep) {
      buf.copy(this.carry, 0, buf.length - keep);
      this.carryLength = keep;
    } else {
      // Shift the old tail left and append the short buffer.
      this.carry.copy(this.carry, 0, buf.length);
      buf.copy(this.carry, keep - buf.length);
      this.carryLength = Math.min(keep, this.carryLength + buf.length);
    }
  }
}
