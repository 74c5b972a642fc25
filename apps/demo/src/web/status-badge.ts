// The connection badge in the header: the client's status, as text a screen reader announces.
import type { ClientStatus } from '@ssekit/client';
import { byId } from './dom.js';

/** What the badge says for each status: the plain page and the React variant alike. */
export const statusLabels: Record<ClientStatus, string> = {
  idle: 'Idle',
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

/** The connection badge in the header: its text is announced politely (role="status"). */
export function showStatus(status: ClientStatus): void {
  const badge = byId('status');
  if (badge.dataset.status === status) return;
  badge.dataset.status = status;
  const text = badge.querySelector('.text');
  if (text) text.textContent = statusLabels[status];
  badge.title = `Event stream: ${status}`;
}
