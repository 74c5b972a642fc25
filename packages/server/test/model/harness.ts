// The model-based check of "exactly once, in order" (issue 14): random interleavings of publishes,
// connects, drops, resumes from random ids and stalled readers against a real server, then, per
// session, what it received is compared with the log filtered for it from its start id.

import { once } from 'node:events';
import { appendFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { defineContract, SseError } from '@ssekit/core';
import { type Broker, createSseServer, type SseServer } from '@ssekit/server';
import { createRandom, type Random } from '@ssekit/test-kit';
import express from 'express';
import { z } from 'zod';
import { openSession, type Session } from '../sessions.js';

export const modelContract = defineContract({
  events: {
    a: z.object({ n: z.int(), pad: z.string() }),
    b: z.object({ n: z.int(), pad: z.string() }),
  },
});
type Contract = typeof modelContract;

const TOPICS = ['t1', 't2', 't3'] as const;
const MAX_EVENT_BYTES = 16 * 1024;

/** One accepted publish, as the model knows it. */
interface LoggedEvent {
  readonly id: string;
  readonly name: 'a' | 'b';
  readonly topic: string | undefined;
  readonly n: number;
}

/** What one client asks for: a URL query and, optionally, the topics its predicate allows. */
interface ClientSpec {
  readonly events: readonly ('a' | 'b')[] | undefined;
  readonly topics: readonly (readonly ['a' | 'b', string])[];
  readonly allowed: readonly string[] | undefined;
}

interface TrackedSession {
  readonly spec: ClientSpec;
  readonly session: Session;
  /** The `Last-Event-ID` sent, or undefined for a new connection. */
  readonly from: string | undefined;
  /** Why the model expects a reset, when it does. */
  readonly expectReset: 'must' | 'may' | 'never';
  stalled: boolean;
}

/** A shared HTTP server whose SSE router is swapped per case: a case costs no listen/close. */
export interface ModelHost {
  readonly url: string;
  mount(sse: SseServer<Contract, Broker>): void;
  close(): Promise<void>;
}

export async function startModelHost(): Promise<ModelHost> {
  let current: SseServer<Contract, Broker> | undefined;
  const app = express();
  app.use('/sse', (req, res, next) => {
    if (!current) return next();
    current.router(req, res, next);
  });
  const server = http.createServer(app);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sse`;
  return {
    url,
    mount: (sse) => {
      current = sse;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The result of one case: undefined when the invariant held, else what broke. */
export interface CaseFailure {
  readonly seed: number;
  readonly message: string;
  readonly commands: readonly string[];
}

export interface CaseOptions {
  readonly seed: number;
  readonly host: ModelHost;
  /** A new broker for the case. */
  readonly broker: () => Broker;
  /** Commands per case. @default 25 */
  readonly commands?: number;
  /** The events the broker keeps (its `maxEvents`): resumes from before them must reset. */
  readonly maxEvents: number;
  /** Sort the acknowledged ids into log order (needed when appends resolve out of order). */
  readonly compare?: (a: string, b: string) => number;
}

function randomSpec(random: Random): ClientSpec {
  const events = random.pick([undefined, ['a'], ['b'], ['a', 'b']] as const);
  const topics: ['a' | 'b', string][] = [];
  if (random.chance(0.4)) {
    const name = events?.[0] ?? random.pick(['a', 'b'] as const);
    const count = random.int(1, 2);
    for (let i = 0; i < count; i++) topics.push([name, random.pick(TOPICS)]);
  }
  const allowed = random.chance(0.35) ? [random.pick(TOPICS), random.pick(TOPICS)] : undefined;
  return { events, topics, allowed };
}

function urlOf(base: string, spec: ClientSpec): string {
  const query = new URLSearchParams();
  if (spec.events) query.set('events', spec.events.join(','));
  for (const [name, topic] of spec.topics) query.append('topic', `${name}:${topic}`);
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

function matches(spec: ClientSpec, event: LoggedEvent): boolean {
  if (spec.events && !spec.events.includes(event.name)) return false;
  const narrowed = spec.topics.filter(([name]) => name === event.name).map(([, topic]) => topic);
  if (narrowed.length > 0 && (event.topic === undefined || !narrowed.includes(event.topic)))
    return false;
  if (spec.allowed && event.topic !== undefined && !spec.allowed.includes(event.topic))
    return false;
  return true;
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Run one case. Every session must have received exactly the log filtered for it from its start. */
export async function runCase(options: CaseOptions): Promise<CaseFailure | undefined> {
  const random = createRandom(options.seed);
  const MAX_EVENTS = options.maxEvents;
  const commands: string[] = [];
  const broker = options.broker();
  const sse = createSseServer(modelContract, {
    broker,
    maxBufferedBytes: 64 * 1024,
    maxEventBytes: MAX_EVENT_BYTES,
    maxConnectionsPerIp: null,
    heartbeatMs: null,
    authorize: (req) => {
      const header = req.headers['x-allowed'];
      if (typeof header !== 'string') return true;
      const allowed = new Set(header.split(','));
      return (_event, topic) => topic === undefined || allowed.has(topic);
    },
  }) as unknown as SseServer<Contract, Broker>;
  options.host.mount(sse);
  const acked: Promise<LoggedEvent | undefined>[] = [];
  const sessions: TrackedSession[] = [];
  let n = 0;
  const fail = (message: string): CaseFailure => ({ seed: options.seed, message, commands });

  const open = (
    spec: ClientSpec,
    from: string | undefined,
    expectReset: TrackedSession['expectReset'],
  ) => {
    const headers: Record<string, string> = {};
    if (from !== undefined) headers['last-event-id'] = from;
    if (spec.allowed) headers['x-allowed'] = spec.allowed.join(',');
    const session = openSession(urlOf(options.host.url, spec), headers);
    sessions.push({ spec, session, from, expectReset, stalled: false });
  };
  const live = () => sessions.filter((s) => !s.session.ended);

  try {
    const total = options.commands ?? 25;
    for (let step = 0; step < total; step++) {
      const roll = random.next();
      if (roll < 0.35) {
        const count = random.int(1, 40);
        commands.push(`publish ${count}`);
        for (let i = 0; i < count; i++) {
          const name = random.pick(['a', 'b'] as const);
          const topic = random.chance(0.7) ? random.pick(TOPICS) : undefined;
          const size = random.chance(0.03)
            ? MAX_EVENT_BYTES + 100
            : random.chance(0.15)
              ? random.int(2000, 12_000)
              : random.int(0, 60);
          const data = { n: n++, pad: 'x'.repeat(size) };
          try {
            const id = sse.publish(name, data, topic === undefined ? {} : { topic });
            acked.push(
              Promise.resolve(id).then(
                (value) => ({ id: value, name, topic, n: data.n }),
                () => undefined,
              ),
            );
          } catch (error) {
            if (
              !(error instanceof SseError) ||
              error.code !== 'EVENT_TOO_LARGE' ||
              size <= MAX_EVENT_BYTES
            )
              return fail(`publish threw ${String(error)}`);
          }
        }
      } else if (roll < 0.5) {
        const spec = randomSpec(random);
        commands.push(`connect ${JSON.stringify(spec)}`);
        open(spec, undefined, 'never');
      } else if (roll < 0.65) {
        const target = live();
        if (target.length === 0) continue;
        const victim = random.pick(target);
        commands.push(`drop+resume #${sessions.indexOf(victim)}`);
        victim.session.destroy();
        open(victim.spec, victim.session.lastId, 'may');
      } else if (roll < 0.75) {
        const spec = randomSpec(random);
        const logged = (await Promise.all(acked)).filter((e) => e !== undefined);
        const kind = random.pick(['recent', 'old', 'malformed', 'foreign'] as const);
        let from: string;
        let expect: TrackedSession['expectReset'] = 'must';
        if (kind === 'recent' && logged.length > 0) {
          from = logged[Math.max(0, logged.length - random.int(1, 100))]!.id;
          expect = 'may';
        } else if (kind === 'old' && logged.length > MAX_EVENTS + 10) {
          from = logged[random.int(0, logged.length - MAX_EVENTS - 10)]!.id;
        } else if (kind === 'foreign') {
          from = 'zzzzzz-5';
        } else {
          from = random.pick(['garbage', '-1', '1-', 'a'.repeat(300)]);
        }
        commands.push(`resume-from ${kind} ${from.slice(0, 40)} ${JSON.stringify(spec)}`);
        open(spec, from, expect);
      } else if (roll < 0.85) {
        const target = live().filter((s) => !s.stalled);
        if (target.length === 0) continue;
        const victim = random.pick(target);
        commands.push(`stall #${sessions.indexOf(victim)}`);
        victim.session.pause();
        victim.stalled = true;
      } else if (roll < 0.92) {
        const target = live().filter((s) => s.stalled);
        if (target.length === 0) continue;
        const victim = random.pick(target);
        commands.push(`unstall #${sessions.indexOf(victim)}`);
        victim.session.resume();
        victim.stalled = false;
      } else {
        const ms = random.int(0, 15);
        commands.push(`wait ${ms}`);
        await delay(ms);
      }
    }

    for (const s of sessions) {
      s.session.resume();
      s.stalled = false;
    }
    let log = (await Promise.all(acked)).filter((e): e is LoggedEvent => e !== undefined);
    if (options.compare) log = [...log].sort((x, y) => options.compare!(x.id, y.id));
    const head = await broker.lastId();
    const indexOf = new Map(log.map((event, i) => [event.id, i]));
    // Quiescence: every session still open has the last event of the log that it should get (or was
    // closed by the server, which a prefix check covers).
    const lastWanted = (spec: ClientSpec): number => {
      for (let i = log.length - 1; i >= 0; i--) if (matches(spec, log[i]!)) return i;
      return -1;
    };
    const deadline = Date.now() + 10_000;
    for (;;) {
      const pending = sessions.filter((s) => {
        if (s.session.ended) return false;
        if (s.session.status === 0) return true;
        const position = (id: string | undefined) =>
          id === undefined ? -1 : (indexOf.get(id) ?? -1);
        const at = Math.max(position(s.session.lastId), position(s.from ?? s.session.startId));
        return at < lastWanted(s.spec) && s.session.lastId !== head;
      });
      if (pending.length === 0) break;
      if (Date.now() > deadline) {
        const s = pending[0]!;
        return fail(
          `session #${sessions.indexOf(s)} did not converge: status ${s.session.status}, at ${s.session.lastId}, head ${head}`,
        );
      }
      await delay(5);
    }
    // Let any byte in flight land before judging.
    await delay(20);

    for (const [i, s] of sessions.entries()) {
      const problem = checkSession(MAX_EVENTS, s, log, indexOf);
      if (problem) return fail(`session #${i} (from ${s.from?.slice(0, 40)}): ${problem}`);
    }
    return undefined;
  } finally {
    for (const s of sessions) s.session.destroy();
    await sse.close({ graceMs: 50 });
    await broker.close();
  }
}

function checkSession(
  MAX_EVENTS: number,
  s: TrackedSession,
  log: readonly LoggedEvent[],
  indexOf: ReadonlyMap<string, number>,
): string | undefined {
  const { session, spec } = s;
  if (session.status === 0) return undefined; // cut before the server answered
  if (session.status !== 200) return `status ${session.status}`;
  const received = session.events;
  let start: number;
  let rest = received;
  const first = received[0];
  if (first?.type === 'ssekit.reset') {
    if (s.expectReset === 'never') return `unexpected reset ${first.data}`;
    if (s.expectReset === 'may') {
      // A reset is legitimate only if the id left the window at some point: ids still in the window
      // at the end were in it all along.
      const at = s.from === undefined ? undefined : indexOf.get(s.from);
      if (at !== undefined && at >= log.length - MAX_EVENTS)
        return `reset for an id still in the log: ${first.data}`;
    }
    const at = indexOf.get(first.id);
    // A reset to the log's position before any event of this case: everything follows.
    start = at === undefined ? 0 : at + 1;
    rest = received.slice(1);
  } else {
    // A session cut before its first event is a prefix of anything.
    if (s.expectReset === 'must' && !(session.ended && received.length === 0))
      return 'expected a reset, got none';
    const from = s.from ?? session.startId;
    if (from === undefined) {
      if (received.length > 0) return 'events before any id';
      return undefined;
    }
    const at = indexOf.get(from);
    // An id of this case's log, or the empty log's first position.
    start = at === undefined ? 0 : at + 1;
  }
  const second = rest.find((e) => e.type.startsWith('ssekit.'));
  if (second) {
    const at = received.indexOf(second);
    return `a control event at ${at} of ${received.length}: ${received
      .slice(Math.max(0, at - 3), at + 3)
      .map((e) => `${e.type}@${e.id}${e.type.startsWith('ssekit.') ? e.data : ''}`)
      .join(', ')}`;
  }
  const expected = log.slice(start).filter((event) => matches(spec, event));
  const got = rest.map((e) => e.id);
  const want = expected.map((e) => e.id);
  const ended = session.ended;
  for (let i = 0; i < got.length; i++) {
    if (got[i] !== want[i]) {
      return `event ${i}: got ${got[i]} (n=${JSON.parse(rest[i]!.data).n}), expected ${want[i]} — got ${got.slice(Math.max(0, i - 3), i + 3).join(',')}`;
    }
  }
  if (!ended && got.length !== want.length)
    return `${got.length} events, expected ${want.length} (ended ${session.ended})`;
  return undefined;
}

/** Run `count` cases from `seed` on; returns the first failure. */
export async function runCases(
  options: Omit<CaseOptions, 'seed' | 'host'> & { seed: number; count: number },
) {
  const host = await startModelHost();
  try {
    // A long run reports its progress to a file: `SSEKIT_MODEL_PROGRESS=/tmp/model.log`.
    const progress = process.env.SSEKIT_MODEL_PROGRESS;
    for (let i = 0; i < options.count; i++) {
      const failure = await runCase({ ...options, host, seed: options.seed + i });
      if (failure) return failure;
      if (progress && (i + 1) % 500 === 0) {
        appendFileSync(
          progress,
          `${new Date().toISOString()} ${i + 1} cases from seed ${options.seed}, 0 failures\n`,
        );
      }
    }
    return undefined;
  } finally {
    await host.close();
  }
}
