import { describe, expect, it } from 'vitest';
import { makeRoom } from '@/test/factories';
import {
  filterRooms,
  foldName,
  hasUnread,
  isSwitcherShortcut,
  MatchRank,
  matchRank,
  sidebarSections,
  switcherResults,
  unreadFirst,
} from './sidebar';
import { loadSidebarPrefs, saveSidebarPrefs, SIDEBAR_PREFS_KEY } from './sidebar-prefs';

describe('matchRank', () => {
  it('ranks a prefix over a word start over a substring', () => {
    expect(matchRank('design', 'des')).toBe(MatchRank.prefix);
    expect(matchRank('ux-design', 'des')).toBe(MatchRank.wordStart);
    expect(matchRank('team design', 'des')).toBe(MatchRank.wordStart);
    expect(matchRank('undesigned', 'des')).toBe(MatchRank.substring);
    expect(matchRank('random', 'des')).toBeNull();
  });

  it('finds a word start after an earlier substring match', () => {
    expect(matchRank('adesk des', 'des')).toBe(MatchRank.wordStart);
  });

  it('takes spaces and punctuation alike as word breaks, in the query too', () => {
    expect(matchRank('ops-alerts', 'ops al')).toBe(MatchRank.prefix);
    expect(matchRank('team_ops-alerts', 'ops al')).toBe(MatchRank.wordStart);
    expect(matchRank('#lobby', 'lob')).toBe(MatchRank.prefix);
    expect(matchRank('a.b', '.')).toBe(MatchRank.substring);
    expect(matchRank('ab', '.')).toBeNull();
  });

  it('ignores case, accents and surrounding spaces; an empty query matches all', () => {
    expect(matchRank('Café Crème', '  creme ')).toBe(MatchRank.wordStart);
    expect(matchRank('ÉQUIPE', 'equ')).toBe(MatchRank.prefix);
    expect(matchRank('anything', '')).toBe(MatchRank.prefix);
    expect(foldName('Ångström')).toBe('angstrom');
  });

  it('matches scattered letters only when asked, ranked last', () => {
    expect(matchRank('general', 'gnrl')).toBeNull();
    expect(matchRank('general', 'gnrl', true)).toBe(MatchRank.scattered);
    expect(matchRank('general', 'lg', true)).toBeNull();
  });
});

describe('hasUnread', () => {
  it('counts unread messages, except in a muted room, and mentions always', () => {
    expect(hasUnread(makeRoom(1, { unread_count: 2 }))).toBe(true);
    expect(hasUnread(makeRoom(1, { unread_count: 2, notification_level: 'muted' }))).toBe(false);
    expect(hasUnread(makeRoom(1, { unread_count: 0, mention_count: 1, notification_level: 'muted' }))).toBe(true);
    expect(hasUnread(makeRoom(1))).toBe(false);
  });
});

describe('filterRooms and unreadFirst', () => {
  const rooms = [
    makeRoom(1, { name: 'general' }),
    makeRoom(2, { name: 'bob', kind: 'direct', unread_count: 1 }),
    makeRoom(3, { name: 'dev-general', unread_count: 4 }),
  ];

  it('keeps the rooms (and direct partners) whose name contains the text, in order', () => {
    expect(filterRooms(rooms, 'GEN').map((r) => r.id)).toEqual([1, 3]);
    expect(filterRooms(rooms, 'bo').map((r) => r.id)).toEqual([2]);
    expect(filterRooms(rooms, 'gnrl')).toEqual([]);
    expect(filterRooms(rooms, ' ').map((r) => r.id)).toEqual([1, 2, 3]);
  });

  it('puts unread rooms first, keeping each group in order', () => {
    expect(unreadFirst(rooms).map((r) => r.id)).toEqual([2, 3, 1]);
  });
});

describe('sidebarSections', () => {
  const rooms = [
    makeRoom(1, { name: 'general' }),
    makeRoom(2, { name: 'bob', kind: 'direct' }),
    makeRoom(3, { name: 'ops', kind: 'private', starred: true }),
    makeRoom(4, { name: 'carol', kind: 'direct', starred: true, unread_count: 1 }),
    makeRoom(5, { name: 'random', unread_count: 3 }),
  ];
  const shape = (sections: ReturnType<typeof sidebarSections>) =>
    sections.map((s) => [s.id, s.rooms.map((r) => r.id)] as const);

  it('groups starred rooms of any kind, then direct messages, then rooms, each in order', () => {
    expect(shape(sidebarSections(rooms))).toEqual([
      ['starred', [3, 4]],
      ['direct', [2]],
      ['rooms', [1, 5]],
    ]);
  });

  it('puts unread rooms first within each section when asked', () => {
    expect(shape(sidebarSections(rooms, { unreadFirst: true }))).toEqual([
      ['starred', [4, 3]],
      ['direct', [2]],
      ['rooms', [5, 1]],
    ]);
  });

  it('keeps the direct and room sections when empty, but not Starred', () => {
    expect(shape(sidebarSections([makeRoom(1)]))).toEqual([
      ['direct', []],
      ['rooms', [1]],
    ]);
    expect(sidebarSections([]).map((s) => s.title)).toEqual(['Direct messages', 'Rooms']);
  });

  it('drops the sections the filter empties', () => {
    expect(shape(sidebarSections(rooms, { query: 'o' }))).toEqual([
      ['starred', [3, 4]],
      ['direct', [2]],
      ['rooms', [5]],
    ]);
    expect(sidebarSections(rooms, { query: 'zzz' })).toEqual([]);
  });
});

describe('switcherResults', () => {
  const mine = [
    makeRoom(1, { name: 'random-design' }),
    makeRoom(2, { name: 'design' }),
    makeRoom(3, { name: 'undesigned' }),
    makeRoom(4, { name: 'desk', unread_count: 2 }),
    makeRoom(5, { name: 'dana', kind: 'direct' }),
  ];
  const publicRooms = [
    makeRoom(2, { name: 'design', my_role: 'member' }),
    makeRoom(9, { name: 'designers', my_role: null }),
    makeRoom(10, { name: 'elsewhere', my_role: null }),
  ];
  const ids = (query: string) => switcherResults(mine, publicRooms, query).map((item) => item.room.id);

  it('ranks prefix, then word start, then substring, then scattered letters', () => {
    expect(ids('design')).toEqual([2, 9, 1, 3]);
    // All scattered: equal ranks keep my rooms first, in activity order.
    expect(ids('dsgn')).toEqual([1, 2, 3, 9]);
  });

  it('puts my rooms before joinable ones and unread before read at equal rank', () => {
    expect(ids('des')).toEqual([4, 2, 9, 1, 3]);
    const items = switcherResults(mine, publicRooms, 'des');
    expect(items.find((item) => item.room.id === 9)).toMatchObject({ joined: false, rank: MatchRank.prefix });
    expect(items.find((item) => item.room.id === 2)?.joined).toBe(true);
  });

  it('lists only my rooms, unread first, for an empty query, and respects the limit', () => {
    expect(ids('')).toEqual([4, 1, 2, 3, 5]);
    expect(switcherResults(mine, publicRooms, 'd', 2).map((item) => item.room.id)).toEqual([4, 2]);
    expect(switcherResults(mine, undefined, 'elsewhere')).toEqual([]);
  });
});

describe('isSwitcherShortcut', () => {
  const key = (init: Partial<KeyboardEvent>) => ({
    key: 'k',
    ctrlKey: false,
    metaKey: false,
    altKey: false,
    shiftKey: false,
    ...init,
  });
  it('is Ctrl+K or Cmd+K, without Alt or Shift', () => {
    expect(isSwitcherShortcut(key({ ctrlKey: true }))).toBe(true);
    expect(isSwitcherShortcut(key({ metaKey: true, key: 'K' }))).toBe(true);
    expect(isSwitcherShortcut(key({}))).toBe(false);
    expect(isSwitcherShortcut(key({ ctrlKey: true, shiftKey: true }))).toBe(false);
    expect(isSwitcherShortcut(key({ ctrlKey: true, key: 'j' }))).toBe(false);
  });
});

describe('sidebar prefs', () => {
  function memory(initial?: string) {
    const data = new Map<string, string>(initial === undefined ? [] : [[SIDEBAR_PREFS_KEY, initial]]);
    return {
      getItem: (k: string) => data.get(k) ?? null,
      setItem: (k: string, v: string) => void data.set(k, v),
    };
  }

  it('round-trips and falls back to the defaults for junk', () => {
    const storage = memory();
    expect(loadSidebarPrefs(storage)).toEqual({ unreadFirst: false, collapsed: [] });
    saveSidebarPrefs({ unreadFirst: true, collapsed: ['direct'] }, storage);
    expect(loadSidebarPrefs(storage)).toEqual({ unreadFirst: true, collapsed: ['direct'] });
    expect(loadSidebarPrefs(memory('{not json'))).toEqual({ unreadFirst: false, collapsed: [] });
    expect(loadSidebarPrefs(memory('{"unreadFirst":"yes","collapsed":["rooms","bogus"]}'))).toEqual({
      unreadFirst: false,
      collapsed: ['rooms'],
    });
  });
});
