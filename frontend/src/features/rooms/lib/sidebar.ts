import type { Room } from '@/types/api';

/**
 * The sidebar's read model and the quick switcher's ranking (issue 10): pure
 * functions of the cached rooms, unit-tested in sidebar.test.ts.
 */

export type SectionId = 'starred' | 'direct' | 'rooms';

export interface SidebarSection {
  id: SectionId;
  title: string;
  rooms: Room[];
}

export const SECTION_TITLES: Readonly<Record<SectionId, string>> = {
  starred: 'Starred',
  direct: 'Direct messages',
  rooms: 'Rooms',
};

/** `text` folded for matching: Unicode-normalized, accents dropped, lower case. */
export function foldName(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/** How well `name` matches `query` (both raw): the lower the better. */
export const MatchRank = {
  prefix: 0,
  wordStart: 1,
  substring: 2,
  /** The query's characters appear in order, with gaps ("gnrl" in "general"). */
  scattered: 3,
} as const;
export type MatchRank = (typeof MatchRank)[keyof typeof MatchRank];

/** `text` folded, with every run of characters that are not letters or digits as one space. */
function wordsOf(text: string): string {
  return foldName(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * The rank of `query` in `name` (ignoring case and accents), or null when it
 * does not match. An empty query matches everything as a prefix. Punctuation
 * and spaces count alike and only as word breaks, so `ops al` finds
 * `ops-alerts`; a word starts at the name's start or after such a break
 * (`dev-ops`, `team_ui`, `#lobby`). A query of punctuation alone is matched
 * as typed. `scattered` only with `allowScattered`.
 */
export function matchRank(name: string, query: string, allowScattered = false): MatchRank | null {
  if (!query.trim()) return MatchRank.prefix;
  let q = wordsOf(query);
  let n = wordsOf(name);
  if (!q) {
    q = foldName(query.trim());
    n = foldName(name);
  }
  if (n.startsWith(q)) return MatchRank.prefix;
  if (n.includes(` ${q}`)) return MatchRank.wordStart;
  if (n.includes(q)) return MatchRank.substring;
  if (!allowScattered) return null;
  const wanted = Array.from(q.replaceAll(' ', ''));
  let i = 0;
  for (const ch of n) {
    if (ch === wanted[i]) i += 1;
    if (i === wanted.length) return MatchRank.scattered;
  }
  return null;
}

/**
 * Whether the room has something for me to read: unread messages (not in a
 * muted room, which shows no unread badge) or unread mentions (always).
 */
export function hasUnread(room: Room): boolean {
  const unread = room.notification_level === 'muted' ? 0 : room.unread_count;
  return unread > 0 || (room.mention_count ?? 0) > 0;
}

/** The rooms whose name (a direct room's: the other member's) contains `query`, in their order. */
export function filterRooms(rooms: readonly Room[], query: string): Room[] {
  if (!query.trim()) return [...rooms];
  return rooms.filter((room) => matchRank(room.name, query) !== null);
}

/** `rooms` with the unread ones first, each group in its given order (a stable partition). */
export function unreadFirst(rooms: readonly Room[]): Room[] {
  return [...rooms.filter(hasUnread), ...rooms.filter((room) => !hasUnread(room))];
}

export interface SectionOptions {
  /** The filter box's text: only rooms whose name contains it. */
  query?: string;
  /** List rooms with unread messages or mentions first in each section. */
  unreadFirst?: boolean;
}

/**
 * My rooms (sorted by activity, as the cache holds them) in the sidebar's
 * sections: Starred (any kind), then Direct messages, then Rooms (public and
 * private). Each room is in one section. Sections left empty by the filter
 * are dropped; without a filter, Starred is dropped when nothing is starred
 * and the other two are always there (so their headings stay put).
 */
export function sidebarSections(rooms: readonly Room[], options: SectionOptions = {}): SidebarSection[] {
  const query = options.query ?? '';
  const shown = filterRooms(rooms, query);
  const order = options.unreadFirst ? unreadFirst : (list: Room[]) => list;
  const groups: Record<SectionId, Room[]> = { starred: [], direct: [], rooms: [] };
  for (const room of shown) {
    const id: SectionId = room.starred ? 'starred' : room.kind === 'direct' ? 'direct' : 'rooms';
    groups[id].push(room);
  }
  const filtering = query.trim() !== '';
  return (['starred', 'direct', 'rooms'] as const)
    .map((id) => ({ id, title: SECTION_TITLES[id], rooms: order(groups[id]) }))
    .filter((section) => section.rooms.length > 0 || (!filtering && section.id !== 'starred'));
}

export interface SwitcherItem {
  room: Room;
  /** False for a public room I have not joined (opening it offers to join). */
  joined: boolean;
  rank: MatchRank;
}

/**
 * The quick switcher's results for `query`, best first: by match rank
 * (prefix, word start, substring, scattered letters), then my rooms before
 * public rooms I could join, then unread before read, then the given order
 * (my rooms by activity). Public rooms already in `mine` are not repeated.
 * An empty query lists my rooms, unread first. At most `limit` items.
 */
export function switcherResults(
  mine: readonly Room[],
  publicRooms: readonly Room[] | undefined,
  query: string,
  limit = 50,
): SwitcherItem[] {
  const myIds = new Set(mine.map((room) => room.id));
  const candidates: { room: Room; joined: boolean; index: number }[] = [
    ...mine.map((room, index) => ({ room, joined: true, index })),
    ...(query.trim() ? (publicRooms ?? []) : [])
      .filter((room) => !myIds.has(room.id))
      .map((room, index) => ({ room, joined: false, index: mine.length + index })),
  ];
  const ranked: (SwitcherItem & { index: number })[] = [];
  for (const candidate of candidates) {
    const rank = matchRank(candidate.room.name, query, true);
    if (rank !== null) ranked.push({ ...candidate, rank });
  }
  ranked.sort(
    (a, b) =>
      a.rank - b.rank ||
      Number(b.joined) - Number(a.joined) ||
      Number(hasUnread(b.room)) - Number(hasUnread(a.room)) ||
      a.index - b.index,
  );
  return ranked.slice(0, limit).map(({ room, joined, rank }) => ({ room, joined, rank }));
}

/** Whether a key press is the quick switcher's shortcut: Ctrl+K, or Cmd+K on a Mac. */
export function isSwitcherShortcut(
  event: Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>,
): boolean {
  return (event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === 'k';
}
