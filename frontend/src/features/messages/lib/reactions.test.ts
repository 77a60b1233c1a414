import { describe, expect, it } from 'vitest';
import type { Message } from '@/types/api';
import { frequentEmoji, keepMyReactions, mentionsMe, withReaction } from './reactions';

const message = (extra: Partial<Message> = {}): Message => ({
  id: 1,
  room: 1,
  seq: 1,
  author: { id: 2, username: 'bob' },
  body: 'hi',
  created_at: '2026-01-01T00:00:00Z',
  edited_at: null,
  deleted: false,
  client_id: null,
  ...extra,
});

describe('withReaction', () => {
  it('adds, counts and removes, setting me only for my own reaction', () => {
    const one = withReaction([], '👍', 1, false, true);
    expect(one).toEqual([{ emoji: '👍', count: 1, me: false }]);
    const two = withReaction(one, '👍', 2, true, true);
    expect(two).toEqual([{ emoji: '👍', count: 2, me: true }]);
    expect(withReaction(two, '👍', 1, false, false)).toEqual([{ emoji: '👍', count: 1, me: true }]);
    expect(withReaction(two, '👍', 1, true, false)).toEqual([{ emoji: '👍', count: 1, me: false }]);
    expect(withReaction(two, '👍', 0, true, false)).toEqual([]);
  });
});

describe('keepMyReactions', () => {
  it('keeps my me flags across a shared frame', () => {
    const cached = message({ reactions: [{ emoji: '👍', count: 1, me: true }] });
    const incoming = message({ body: 'edited', reactions: [{ emoji: '👍', count: 2, me: false }] });
    expect(keepMyReactions(incoming, cached).reactions).toEqual([{ emoji: '👍', count: 2, me: true }]);
  });
});

describe('mentionsMe', () => {
  it('is true for my name or @room by someone else', () => {
    expect(mentionsMe(message({ mentions: [7] }), 7)).toBe(true);
    expect(mentionsMe(message({ mentions_room: true }), 7)).toBe(true);
    expect(mentionsMe(message({ mentions_room: true }), 2)).toBe(false);
    expect(mentionsMe(message(), 7)).toBe(false);
  });
});

describe('frequentEmoji', () => {
  it('puts the most used first, then the defaults, without repeats', () => {
    const storage = { getItem: () => JSON.stringify({ '🎉': 3, '🔥': 5 }) };
    const list = frequentEmoji(storage);
    expect(list.slice(0, 3)).toEqual(['🔥', '🎉', '👍']);
    expect(new Set(list).size).toBe(list.length);
  });
});
