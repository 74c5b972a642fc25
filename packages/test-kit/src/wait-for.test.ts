// waitFor polls until the predicate holds and fails with a message that says what it waited for.
import { describe, expect, it } from 'vitest';
import { waitFor } from './wait-for.js';

describe('waitFor', () => {
  it('resolves once the predicate holds, sync or async', async () => {
    let calls = 0;
    await waitFor(() => ++calls === 3, 'the third call');
    expect(calls).toBe(3);
    let asyncCalls = 0;
    await waitFor(async () => ++asyncCalls === 2, { message: 'the second call' });
    expect(asyncCalls).toBe(2);
  });

  it('fails after timeoutMs with the message', async () => {
    await expect(
      waitFor(() => false, { message: 'nothing', timeoutMs: 30, intervalMs: 5 }),
    ).rejects.toThrow('Timed out after 30 ms waiting for nothing');
  });
});
