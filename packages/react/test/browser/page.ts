// The React test page, bundled by esbuild: a StrictMode tree of hooks over one client, recording
// what each component rendered on `window.ssekitReact.state`.
import { createClient } from '@ssekit/client';
import { createElement as h, StrictMode, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import {
  useConnectionStatus,
  useEvent,
  useEvents,
  useStream,
  useSubscribe,
} from '../../src/index.js';
import { type ChildSpec, contract, type ReactPageState, type ReactPageWindow } from './contract.js';

const state: ReactPageState = {
  status: 'idle',
  statuses: [],
  latestTick: null,
  children: {},
  subscribed: [],
  stream: { ns: [], status: 'idle', done: false, error: null },
  renders: 0,
  pageErrors: [],
};
window.addEventListener('error', (event) => state.pageErrors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) =>
  state.pageErrors.push(`unhandled rejection: ${String(event.reason)}`),
);

const client = createClient(contract, {
  url: '/sse',
  onError: (error) => state.pageErrors.push(`client: ${error.code} ${error.message}`),
});
let setChildrenFromTest: (children: ChildSpec[]) => void = () => {};

function Ticks() {
  const ticks = useEvents(client, 'tick', { limit: 100_000 });
  const latest = useEvent(client, 'tick');
  useEffect(() => {
    state.latestTick = latest?.seq ?? null;
  }, [latest]);
  return h(
    'ol',
    { id: 'ticks' },
    ticks.map((t) => h('li', { key: t.seq }, String(t.seq))),
  );
}

function Child({ spec }: { spec: ChildSpec }) {
  // An inline array each render: the hook compares topics by value.
  const prices = useEvents(client, 'price', { topic: [spec.topic], limit: 100_000 });
  useEffect(() => {
    state.children[spec.id] = { topic: spec.topic, seqs: prices.map((p) => p.seq) };
  }, [prices, spec]);
  return h(
    'ul',
    { 'data-child': spec.id },
    prices.map((p) => h('li', { key: p.seq }, p.seq)),
  );
}

function Subscriber() {
  const [count, setCount] = useState(0);
  // A new callback at every render: it must not resubscribe (a resubscribe would lose or repeat).
  useSubscribe(client, 'tick', (t) => {
    state.subscribed.push(t.seq);
    setCount((c) => c + 1);
  });
  return h('p', null, `subscribed ${count}`);
}

function Stream() {
  // Re-rendered at every tick through this hook.
  useEvent(client, 'tick');
  // An inline input object at every render: compared by value, so one stream only.
  const { events, status, done, error } = useStream(client, 'count', { from: 1, to: 50 });
  useEffect(() => {
    state.stream = { ns: events.map((e) => e.data.n), status, done, error: error?.code ?? null };
  }, [events, status, done, error]);
  return h('p', null, `stream ${events.length} ${status}`);
}

function Status() {
  const status = useConnectionStatus(client);
  useEffect(() => {
    state.status = status;
    state.statuses.push(status);
  }, [status]);
  return h('p', { id: 'status' }, status);
}

function App() {
  const [children, setChildren] = useState<ChildSpec[]>([]);
  setChildrenFromTest = setChildren;
  state.renders++;
  return h(
    'main',
    null,
    h(Status),
    h(Ticks),
    h(Subscriber),
    h(Stream),
    children.map((spec) => h(Child, { key: spec.id, spec })),
  );
}

const root = document.createElement('div');
document.body.append(root);
createRoot(root).render(h(StrictMode, null, h(App)));
(window as unknown as ReactPageWindow).ssekitReact = {
  state,
  setChildren: (children) => setChildrenFromTest(children),
};
