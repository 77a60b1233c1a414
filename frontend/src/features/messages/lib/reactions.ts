import type { Message, Reaction } from '@/types/api';

/**
 * A message's reactions after a `reaction` frame: `emoji` now has `count`
 * (0 removes it), and `me` changes only when the actor is me (`mine`): the
 * frame is shared by every socket, so it cannot carry a per-viewer `me`.
 */
export function withReaction(
  reactions: readonly Reaction[] | undefined,
  emoji: string,
  count: number,
  mine: boolean,
  added: boolean,
): Reaction[] {
  const list = reactions ?? [];
  const index = list.findIndex((r) => r.emoji === emoji);
  if (count <= 0) return list.filter((r) => r.emoji !== emoji);
  const me = mine ? added : (list[index]?.me ?? false);
  if (index < 0) return [...list, { emoji, count, me }];
  return list.map((r, i) => (i === index ? { emoji, count, me } : r));
}

/**
 * A message from a frame (`message.updated`), with `me` taken from the copy
 * I had: frames carry `me: false` for everyone.
 */
export function keepMyReactions(incoming: Message, cached: Message | undefined): Message {
  if (!cached?.reactions || !incoming.reactions) return incoming;
  const mine = new Set(cached.reactions.filter((r) => r.me).map((r) => r.emoji));
  if (mine.size === 0) return incoming;
  return { ...incoming, reactions: incoming.reactions.map((r) => ({ ...r, me: mine.has(r.emoji) })) };
}

/** Whether a message names me: by username, or with `@room` (not my own). */
export function mentionsMe(message: Message, me: number | null): boolean {
  if (me === null || message.author.id === me) return false;
  return Boolean(message.mentions_room) || (message.mentions ?? []).includes(me);
}

const FREQUENT_KEY = 'chat.frequentEmoji';
export const DEFAULT_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

/** The picker's emoji, the ones I used most first, then the defaults. */
export function frequentEmoji(storage: Pick<Storage, 'getItem'> | undefined = globalThis.localStorage): string[] {
  let counts: Record<string, number> = {};
  try {
    counts = JSON.parse(storage?.getItem(FREQUENT_KEY) ?? '{}') as Record<string, number>;
  } catch {
    counts = {};
  }
  const used = Object.keys(counts).sort((a, b) => (counts[b] ?? 0) - (counts[a] ?? 0));
  return [...new Set([...used, ...DEFAULT_EMOJI])].slice(0, 16);
}

/** Counts one use of `emoji` for frequentEmoji. */
export function noteEmojiUse(emoji: string, storage: Storage | undefined = globalThis.localStorage): void {
  if (!storage) return;
  try {
    const counts = JSON.parse(storage.getItem(FREQUENT_KEY) ?? '{}') as Record<string, number>;
    counts[emoji] = (counts[emoji] ?? 0) + 1;
    storage.setItem(FREQUENT_KEY, JSON.stringify(counts));
  } catch {
    storage.setItem(FREQUENT_KEY, JSON.stringify({ [emoji]: 1 }));
  }
}
