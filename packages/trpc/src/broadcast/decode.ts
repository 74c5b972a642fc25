// Decoding broker events for the broadcast procedure: one cached decode per event per process,
// shared by every tRPC subscriber, and the check that skips events this contract does not know.
import { type AnyContract, type DecodeResult, decodeData } from '@ssekit/core';
import type { BrokerEvent } from '@ssekit/server';

/**
 * Decode broker events with the contract's schemas, once per event per process: every tRPC
 * subscriber of an event shares the decoded value, as every SSE connection shares its frame.
 */
export function createDecoder(contract: AnyContract): (event: BrokerEvent) => DecodeResult {
  // Weak: an event leaves the cache when the broker's log and the subscriptions let go of it.
  const cache = new WeakMap<BrokerEvent, DecodeResult>();
  return (event) => {
    let result = cache.get(event);
    if (result === undefined) {
      // Callers pass only events of the contract (see `isContractEvent`).
      result = decodeData(contract.events[event.event], event.data, event.event);
      cache.set(event, result);
    }
    return result;
  };
}

/** Whether the contract knows this event: a process with a newer contract may publish others. */
export function isContractEvent(contract: AnyContract, event: BrokerEvent): boolean {
  return Object.hasOwn(contract.events, event.event);
}
