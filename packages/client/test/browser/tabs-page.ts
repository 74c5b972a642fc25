/**
 * The script of the tabs test's page, bundled by esbuild for the browser: one client per tab (with
 * or without `shareAcrossTabs`), `price` subscriptions per topic, and what they received on
 * `window.ssekitTabs` for the test to read.
 */
import { createClient, type SseClient, shareAcrossTabs } from '../../src/index.js';
import { contract } from './contract.js';

export interface TabState {
  status: string;
  statuses: string[];
  /** Per topic, the `price` field of each event received (the publisher's per-topic sequence). */
  received: Record<string, number[]>;
  errors: string[];
  pageErrors: string[];
}

export interface TabApi {
  open(options: { share: boolean; topics: string[] }): void;
  subscribe(topic: string): void;
  close(): void;
  readonly state: TabState;
}

export interface TabWindow {
  ssekitTabs: TabApi;
}

const state: TabState = { status: 'idle', statuses: [], received: {}, errors: [], pageErrors: [] };
let client: SseClient<typeof contract> | undefined;

window.addEventListener('error', (event) => state.pageErrors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) =>
  state.pageErrors.push(`unhandled rejection: ${String(event.reason)}`),
);

function subscribe(topic: string): void {
  if (!client) throw new Error('open the client first');
  const list: number[] = [];
  state.received[topic] = list;
  client.subscribe(
    'price',
    (price) => {
      if (price.symbol !== topic || !(price.at instanceof Date)) {
        state.errors.push(`wrong event for ${topic}: ${JSON.stringify(price)}`);
        return;
      }
      list.push(price.price);
    },
    { topic },
  );
}

const api: TabApi = {
  open({ share, topics }) {
    client = createClient(contract, {
      url: '/sse',
      shareAcrossTabs: share ? shareAcrossTabs : undefined,
      onStatus: (status) => {
        state.status = status;
        state.statuses.push(status);
      },
      onError: (error) => state.errors.push(`${error.code}: ${error.message}`),
    });
    for (const topic of topics) subscribe(topic);
  },
  subscribe,
  close() {
    client?.close();
  },
  state,
};

(window as unknown as TabWindow).ssekitTabs = api;
