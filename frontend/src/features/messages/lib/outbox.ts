import type { PendingMessage } from './message-store';

/**
 * My unconfirmed sends, kept in the browser's localStorage per user so a
 * reload does not lose them: they are shown again and re-sent with their
 * own client_id (the server stores a client_id once). Unreadable storage
 * reads as empty. Sends with files are not kept: a File cannot be stored,
 * so an upload still pending is lost on reload.
 */

const PREFIX = 'chat.outbox.';

function isPending(value: unknown): value is PendingMessage {
  if (!value || typeof value !== 'object') return false;
  const p = value as Record<string, unknown>;
  return (
    typeof p.client_id === 'string' &&
    typeof p.room === 'number' &&
    typeof p.body === 'string' &&
    typeof p.created_at === 'string' &&
    (p.state === 'pending' || p.state === 'failed')
  );
}

/** The saved sends of `userId`, oldest first. */
export function loadOutbox(userId: number): PendingMessage[] {
  try {
    const raw = window.localStorage.getItem(`${PREFIX}${userId}`);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? parsed.filter(isPending) : [];
  } catch {
    return [];
  }
}

/** Saves `entries` as the sends of `userId` (none: the key is removed). */
export function saveOutbox(userId: number, entries: readonly PendingMessage[]): void {
  try {
    const key = `${PREFIX}${userId}`;
    const kept = entries.filter((p) => !p.files);
    if (kept.length === 0) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, JSON.stringify(kept));
  } catch {
    // Quota or privacy mode: they are just not kept over a reload.
  }
}
