// The input parser of an RPC stream procedure: the stream's schema decoded as the SSE endpoint
// does, with the `lastEventId` tRPC adds on resume taken out, and `NO_EVENT_ID` for "no id yet".
import {
  type AnyContract,
  formatIssues,
  SseError,
  SseErrorCode,
  type StreamName,
  toSseIssues,
} from '@ssekit/core';
import { z } from 'zod';
import type { ParsedStreamInput, StreamProcedureInput } from '../types.js';

/** Stands for "no id yet" in `tracked()`, which refuses an empty id. Read back as `undefined`. */
export const NO_EVENT_ID = 'ssekit.none';

/**
 * A tRPC input parser (the `{ _input, _output, parse }` shape every tRPC 11 release accepts): the
 * client types its input from `_input`, the resolver gets what `parse` returns.
 */
export interface StreamInputParser<
  TContract extends AnyContract,
  TName extends StreamName<TContract>,
> {
  readonly _input: StreamProcedureInput<TContract, TName>;
  readonly _output: ParsedStreamInput<TContract, TName>;
  parse(value: unknown): ParsedStreamInput<TContract, TName>;
}

function splitLastEventId(value: unknown): { rest: unknown; lastEventId: string | undefined } {
  if (typeof value !== 'object' || value === null || !Object.hasOwn(value, 'lastEventId')) {
    return { rest: value, lastEventId: undefined };
  }
  // tRPC adds `lastEventId` to the input of a subscription that resumes. It is not part of the
  // stream's input: a strict schema would refuse it, and the handler gets it on its own.
  const { lastEventId, ...rest } = value as { lastEventId?: unknown };
  const id =
    typeof lastEventId === 'string' && lastEventId !== NO_EVENT_ID ? lastEventId : undefined;
  return { rest, lastEventId: id };
}

/**
 * The input parser of one RPC stream procedure: the stream's own schema, decoded (`z.decode`) as
 * the SSE endpoint does, with tRPC's `lastEventId` taken out first.
 *
 * @throws SseError `INVALID_INPUT` with the issues; tRPC sends it as `BAD_REQUEST`.
 */
export function streamInputParser<
  TContract extends AnyContract,
  TName extends StreamName<TContract>,
>(contract: TContract, name: TName): StreamInputParser<TContract, TName> {
  const schema = contract.streams[name]!.input;
  const parse = (value: unknown): ParsedStreamInput<TContract, TName> => {
    const { rest, lastEventId } = splitLastEventId(value);
    let parsed = z.safeDecode(schema, rest as never);
    if (!parsed.success && rest !== value && Object.keys(rest as object).length === 0) {
      // The client sent no input: tRPC made `{ lastEventId }` of it on reconnect.
      const bare = z.safeDecode(schema, undefined as never);
      if (bare.success) parsed = bare;
    }
    if (!parsed.success) {
      const issues = toSseIssues(parsed.error.issues);
      throw new SseError(
        SseErrorCode.INVALID_INPUT,
        `Invalid input for stream "${name}": ${formatIssues(issues)}`,
        { issues, event: name, status: 400, cause: parsed.error },
      );
    }
    return { input: parsed.data as ParsedStreamInput<TContract, TName>['input'], lastEventId };
  };
  return { parse } as StreamInputParser<TContract, TName>;
}
