// The type helpers read from a contract: names, decoded and wire data, tagged unions of events.
// Server, client and generated modules all type their APIs with them.
import type {
  ClientEventSchemas,
  ClientStreamDefinitions,
  Contract,
  EventSchemas,
  StreamDefinitions,
} from './define.js';
import type { Input, Output } from './schema.js';

/**
 * `T` itself, but shown by its value: a name union prints as `"price" | "trade"` in hovers and
 * errors, not as `EventName<Contract<{ readonly price: ZodObject<…> … }>>`. (A resolved conditional
 * type carries no alias, so the compiler prints the union it stands for.)
 */
type Shown<T extends string> = T extends infer U extends string ? U : never;

/** Any contract made by `defineContract`: zod schemas, what servers take. */
export type AnyContract = Contract<EventSchemas, StreamDefinitions>;

/**
 * Any contract a client takes: `defineContract`'s, or a generated module's, whose schemas may be
 * the plain validators of `@ssekit/client/schema`. The type helpers below take either.
 */
export type AnyClientContract = Contract<ClientEventSchemas, ClientStreamDefinitions>;

/** The broadcast event names of a contract. */
export type EventName<TContract extends AnyClientContract> = Shown<
  keyof TContract['events'] & string
>;

/** An event's data as code sees it (decoded: `Date` for `isoDate()`). What `publish` takes and `subscribe` gives. */
export type EventData<
  TContract extends AnyClientContract,
  TName extends EventName<TContract>,
> = Output<TContract['events'][TName]>;

/** An event's data as it travels in JSON (encoded: an ISO string for `isoDate()`). */
export type EventWireData<
  TContract extends AnyClientContract,
  TName extends EventName<TContract>,
> = Input<TContract['events'][TName]>;

/** A tagged union over every broadcast event: `{ event: 'price', data: … } | { event: 'trade', data: … }`. */
export type AnyEvent<TContract extends AnyClientContract> = {
  [TName in EventName<TContract>]: { event: TName; data: EventData<TContract, TName> };
}[EventName<TContract>];

/** The RPC stream names of a contract. */
// Not wrapped in Shown: callers (tRPC's procedures) pass a plain key string, which a deferred
// conditional would refuse; the client's `stream()` spells its constraint out and prints a union.
export type StreamName<TContract extends AnyClientContract> = keyof TContract['streams'] & string;

/** A stream's input as code sees it (decoded). */
export type StreamInput<
  TContract extends AnyClientContract,
  TName extends StreamName<TContract>,
> = Output<TContract['streams'][TName]['input']>;

/** The event names one RPC stream yields. */
export type StreamEventName<
  TContract extends AnyClientContract,
  TName extends StreamName<TContract>,
> = Shown<keyof TContract['streams'][TName]['events'] & string>;

/** The decoded data of one event of one RPC stream. */
export type StreamEventData<
  TContract extends AnyClientContract,
  TName extends StreamName<TContract>,
  TEvent extends StreamEventName<TContract, TName>,
> = Output<TContract['streams'][TName]['events'][TEvent]>;

/** A tagged union over one stream's events: what `for await` over a stream gives. */
export type StreamEvent<
  TContract extends AnyClientContract,
  TName extends StreamName<TContract>,
> = {
  [TEvent in StreamEventName<TContract, TName>]: {
    event: TEvent;
    data: StreamEventData<TContract, TName, TEvent>;
  };
}[StreamEventName<TContract, TName>];
