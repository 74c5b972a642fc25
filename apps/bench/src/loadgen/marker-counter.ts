/**
 * Counts occurrences of a byte string across a stream of buffers, including occurrences split
 * between two buffers. This is the hot path of the load generator: `Buffer#indexOf` runs in C++,
 * so a read of 64 KiB costs a handful of native calls, and no event is decoded or parsed.
 */
export class MarkerCounter {
  private readonly needle: Buffer;
  private carry: Buffer = Buffer.alloc(0);
  count = 0;

  constructor(marker: string) {
    this.needle = Buffer.from(marker);
  }

  feed(buf: Buffer): void {
    const keep = this.needle.length - 1;
    if (this.carry.length > 0) {
      // Only matches that straddle the boundary: the carry is too short to hold one by itself.
      this.count += occurrences(Buffer.concat([this.carry, buf.subarray(0, keep)]), this.needle);
    }
    this.count += occurrences(buf, this.needle);
    if (buf.length >= keep) this.carry = Buffer.from(buf.subarray(buf.length - keep));
    else this.carry = Buffer.concat([this.carry, buf]).subarray(-keep);
  }
}

function occurrences(buf: Buffer, needle: Buffer): number {
  let n = 0;
  let i = buf.indexOf(needle);
  while (i !== -1) {
    n++;
    i = buf.indexOf(needle, i + needle.length);
  }
  return n;
}
