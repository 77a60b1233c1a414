import { useSyncExternalStore } from 'react';

/**
 * The message each room's composer asked to edit (↑ in an empty composer
 * opens my last message there). The message's editor clears it on closing,
 * then gives the focus back to the composer.
 */
const targets = new Map<number, number>();
const listeners = new Set<() => void>();

export function setEditTarget(roomId: number, messageId: number | null): void {
  if (messageId === null) targets.delete(roomId);
  else targets.set(roomId, messageId);
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The id of the message the room's composer asked to edit, or null; re-renders when it changes. */
export function useEditTarget(roomId: number): number | null {
  return useSyncExternalStore(
    subscribe,
    () => targets.get(roomId) ?? null,
    () => null,
  );
}

/** The last message of mine in `items` (oldest first) that is not deleted, or null: what ↑ edits. */
export function lastEditable<T extends { author: { id: number }; deleted: boolean; system?: string | null }>(
  items: readonly T[],
  meId: number | null,
): T | null {
  if (meId === null) return null;
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item.author.id === meId && !item.deleted && !item.system) return item;
  }
  return null;
}
