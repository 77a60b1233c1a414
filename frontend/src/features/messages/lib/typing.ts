import type { User } from '@/types/api';

/** How long a `typing` event keeps "X is typing…" on screen (ms). */
export const TYPING_TTL_MS = 4000;

/** Someone typing in a room until `until` (epoch ms). */
export interface TypingEntry {
  user: User;
  until: number;
}

/** Records a `typing` event of `user` at `now`: one entry per user, expired ones dropped. */
export function addTyping(
  entries: readonly TypingEntry[],
  user: User,
  now: number,
  ttlMs = TYPING_TTL_MS,
): TypingEntry[] {
  return [...entries.filter((e) => e.user.id !== user.id && e.until > now), { user, until: now + ttlMs }];
}

/** Drops `userId`'s entry (e.g. their message arrived); returns `entries` itself if absent. */
export function clearTyping(entries: readonly TypingEntry[], userId: number): readonly TypingEntry[] {
  return entries.some((e) => e.user.id === userId) ? entries.filter((e) => e.user.id !== userId) : entries;
}

/** The entries still showing at `now`. */
export function activeTyping(entries: readonly TypingEntry[], now: number): TypingEntry[] {
  return entries.filter((e) => e.until > now);
}

/** "alice is typing…", "alice and bob are typing…", "3 people are typing…", or "" for nobody. */
export function typingText(entries: readonly TypingEntry[]): string {
  const names = entries.map((e) => e.user.username);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/** Cache key of a room's typing entries (`TypingEntry[]`, written only by socket events). */
export const typingQueryKey = (roomId: number) => ['typing', roomId] as const;
