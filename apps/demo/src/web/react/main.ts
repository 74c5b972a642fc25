// The React variant's entry (`/react`): a snapshot, one client shared by every tab of the origin
// (`shareAcrossTabs`), and the App rendered in StrictMode.
import '../styles.css';
import { shareAcrossTabs } from '@ssekit/client';
import { createElement as h, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { Snapshot } from '../../api.js';
import { createClient } from '../client.generated.js';
import { fetchSnapshot } from '../snapshot.js';
import { App } from './app.js';

const root = createRoot(document.getElementById('root')!);
let generation = 0;

function render(snapshot: Snapshot): void {
  generation += 1;
  // A new key remounts the tree: the hooks' lists start again from the fresh snapshot.
  root.render(h(StrictMode, null, h(App, { key: generation, client, snapshot })));
}

const snapshot = await fetchSnapshot();
// One client for the page, outside the components; with shareAcrossTabs, one connection for all
// the dashboard's tabs of this origin (open ten: the server still sees one stream).
const client = createClient({
  url: '/sse',
  lastEventId: snapshot.lastEventId,
  shareAcrossTabs,
  onError: (error) => console.warn(`ssekit: ${error.code}: ${error.message}`),
  // The server could not resume (it restarted with an in-memory log): start from a fresh snapshot.
  onReset: () => {
    fetchSnapshot().then(render, (error) => console.error(error));
  },
});
render(snapshot);
window.addEventListener('pagehide', () => client.close());
