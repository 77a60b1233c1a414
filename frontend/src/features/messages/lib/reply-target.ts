import { useSyncExternalStore } from 'react';
import type { Message } from '@/types/api';

/** The message each room's composer is replying to (set by a message's Reply button). */
const targets = new Map<number, Message>();
const listeners = new Set<() => void>();

export function setReplyTarget(roomId: number, message: Message | null): void {
  if (message) targets.set(roomId, message);
  else targets.delete(roomId);
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The room's reply target, re-rendering when it changes. */
export function useReplyTarget(roomId: number): Message | null {
  return useSyncExternalStore(
    subscribe,
    () => targets.get(roomId) ?? null,
    () => null,
  );
}
