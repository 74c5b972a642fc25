// The demo's numbers that both the server's schemas and the page use, in a module with no imports:
// the page's bundle takes them without the zod that the schemas need.

/** The largest order the desk accepts. */
export const MAX_ORDER_QTY = 10_000;
