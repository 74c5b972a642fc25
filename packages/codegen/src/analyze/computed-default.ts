// Tells a constant `.default()` from one computed by a function, the same way on every run: the
// analyzer prints the first and refuses the second.
import { sameValue } from './values.js';

/** What a default's getter gave: a union tagged by `status`. */
export type DefaultRead =
  | { readonly status: 'constant'; readonly value: unknown }
  | { readonly status: 'computed' };

/** Thrown by the traps below: the default read a clock or a random source. */
class NondeterministicRead extends Error {}

const trap = () => {
  throw new NondeterministicRead();
};

/**
 * Read a `.default()`/`.prefault()` value. zod keeps it behind a getter that calls the default
 * function at each read, and a getter looks the same for a constant. While it runs, the sources a
 * default could vary by (the clock: `Date.now()`, `new Date()`, `performance.now()`; randomness:
 * `Math.random()`, `crypto.randomUUID()`, `crypto.getRandomValues()`) throw, so a default that reads
 * them is found on the first read, whatever the clock says; two reads that differ (a counter) are
 * computed as well. The globals are restored before this returns.
 */
export function readDefault(def: Record<string, unknown>): DefaultRead {
  const RealDate = globalThis.Date;
  const restore: (() => void)[] = [];
  const swap = <T extends object>(owner: T, key: keyof T, value: unknown) => {
    const before = Object.getOwnPropertyDescriptor(owner, key);
    if (!before) return;
    Object.defineProperty(owner, key, { ...before, value });
    restore.push(() => Object.defineProperty(owner, key, before));
  };
  const TrappedDate = new Proxy(RealDate, {
    construct: (target, args, newTarget) =>
      args.length === 0 ? trap() : Reflect.construct(target, args, newTarget),
    apply: trap,
    get: (target, key) => (key === 'now' ? trap : Reflect.get(target, key)),
  });
  try {
    swap(globalThis, 'Date', TrappedDate);
    swap(Math, 'random', trap);
    if (globalThis.performance) swap(globalThis.performance, 'now', trap);
    if (globalThis.crypto) {
      swap(Object.getPrototypeOf(globalThis.crypto), 'randomUUID', trap);
      swap(Object.getPrototypeOf(globalThis.crypto), 'getRandomValues', trap);
    }
    const first = def.defaultValue;
    const second = def.defaultValue;
    return sameValue(first, second) ? { status: 'constant', value: first } : { status: 'computed' };
  } catch (error) {
    if (error instanceof NondeterministicRead) return { status: 'computed' };
    throw error;
  } finally {
    for (const undo of restore.reverse()) undo();
  }
}
