/**
 * The response half of HTTP/1.1, as little of it as an SSE load generator needs: the status line,
 * `Transfer-Encoding: chunked` or a body that runs to the end of the socket, and nothing else. Node's
 * own client would work too, but a per-chunk JS callback for every HTTP chunk is exactly the cost
 * that makes a naive server look slower than it is; here each socket read is handled once.
 */

const CRLFCRLF = Buffer.from('\r\n\r\n');

export interface HttpReaderEvents {
  /** Status and the raw header block, once. */
  onHead(status: number, headers: string): void;
  /** Body bytes, de-chunked, with the time the socket read arrived. */
  onBody(bytes: Buffer, receivedAt: number): void;
  /** The final chunk arrived (chunked responses only). */
  onEnd(): void;
}

type ChunkState = 'size' | 'data' | 'crlf' | 'done';

export class HttpReader {
  private head: Buffer | undefined = Buffer.alloc(0);
  private chunked = false;
  private state: ChunkState = 'size';
  private size = 0;
  /** Past the digits of the size line (at its CR or extension). */
  private sizeDone = false;
  private remaining = 0;
  private crlfLeft = 0;

  constructor(private readonly events: HttpReaderEvents) {}

  /** Feed one socket read. */
  feed(buf: Buffer, receivedAt: number): void {
    if (this.head !== undefined) {
      const joined = this.head.length === 0 ? buf : Buffer.concat([this.head, buf]);
      const end = joined.indexOf(CRLFCRLF);
      if (end === -1) {
        this.head = joined;
        return;
      }
      this.head = undefined;
      const headText = joined.toString('latin1', 0, end);
      const status = Number(headText.slice(9, 12));
      this.chunked = /\r\ntransfer-encoding:[^\r]*chunked/i.test(headText);
      this.events.onHead(status, headText);
      buf = joined.subarray(end + 4);
      if (buf.length === 0) return;
    }
    if (this.chunked) this.dechunk(buf, receivedAt);
    else this.events.onBody(buf, receivedAt);
  }

  private dechunk(buf: Buffer, receivedAt: number): void {
    let pos = 0;
    const len = buf.length;
    while (pos < len) {
      switch (this.state) {
        case 'size': {
          // Hex digits up to CR (or `;ext`), byte by byte: no string per chunk on the hot path.
          let size = this.size;
          while (pos < len) {
            const c = buf[pos++]!;
            if (c === 10) {
              this.sizeDone = false;
              if (size === 0) {
                this.state = 'done';
                this.events.onEnd();
              } else {
                this.remaining = size;
                this.state = 'data';
              }
              size = 0;
              break;
            }
            const digit = this.sizeDone ? -1 : hexDigit(c);
            if (digit === -1) this.sizeDone = true;
            else size = size * 16 + digit;
          }
          this.size = size;
          break;
        }
        case 'data': {
          const take = Math.min(this.remaining, len - pos);
          this.events.onBody(buf.subarray(pos, pos + take), receivedAt);
          this.remaining -= take;
          pos += take;
          if (this.remaining === 0) {
            this.state = 'crlf';
            this.crlfLeft = 2;
          }
          break;
        }
        case 'crlf': {
          const take = Math.min(this.crlfLeft, len - pos);
          this.crlfLeft -= take;
          pos += take;
          if (this.crlfLeft === 0) this.state = 'size';
          break;
        }
        case 'done':
          pos = len;
          break;
      }
    }
  }
}

function hexDigit(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
