import { describe, expect, it } from 'vitest';
import { alice, bob, makeMessage, makeRoom } from '@/test/factories';
import { removeRoom, roomsWithMessage, sortRooms, upsertRoom, withUnread } from './room-list';

describe('sortRooms', () => {
  it('puts the newest activity first; rooms without messages use created_at', () => {
    const old = makeRoom(1, { last_message: makeMessage(1, 1, { created_at: '2024-01-01T00:00:00Z' }) });
    const recent = makeRoom(2, { last_message: makeMessage(2, 1, { created_at: '2024-03-01T00:00:00Z' }) });
    const emptyNew = makeRoom(3, { created_at: '2024-02-01T00:00:00Z' });
    expect(sortRooms([old, recent, emptyNew]).map((r) => r.id)).toEqual([2, 3, 1]);
  });
});

describe('roomsWithMessage', () => {
  const rooms = [makeRoom(1, { last_message: makeMessage(1, 4) }), makeRoom(2, { last_message: makeMessage(2, 1) })];

  it("sets the preview, moves the room up and counts someone else's message as unread", () => {
    const message = makeMessage(2, 2, { author: bob, created_at: '2030-01-01T00:00:00Z' });
    const next = roomsWithMessage(rooms, message, alice.id, true);
    expect(next.map((r) => r.id)).toEqual([2, 1]);
    expect(next[0]).toMatchObject({ unread_count: 1, last_message: message });
  });

  it('does not count my own message, a duplicate, or an older message', () => {
    const mine = makeMessage(2, 2, { author: alice });
    expect(roomsWithMessage(rooms, mine, alice.id, true).find((r) => r.id === 2)!.unread_count).toBe(0);
    const dup = makeMessage(2, 2, { author: bob });
    expect(roomsWithMessage(rooms, dup, alice.id, false).find((r) => r.id === 2)!.unread_count).toBe(0);
    expect(roomsWithMessage(rooms, makeMessage(1, 3), alice.id, true)).toBe(rooms);
  });

  it('shows a system message as the preview without counting it unread', () => {
    const joined = makeMessage(2, 2, {
      author: bob,
      system: 'joined',
      body: 'joined the room',
      created_at: '2030-01-01T00:00:00Z',
    });
    const next = roomsWithMessage(rooms, joined, alice.id, true);
    expect(next[0]).toMatchObject({ id: 2, unread_count: 0, last_message: joined });
  });
});

describe('upsertRoom / removeRoom / withUnread', () => {
  it('upsert with keepViewerFields keeps my unread count and role', () => {
    const rooms = [makeRoom(1, { unread_count: 3, my_role: 'owner', name: 'old' })];
    const update = makeRoom(1, { unread_count: 0, my_role: null, name: 'new', topic: 't' });
    expect(upsertRoom(rooms, update, true)[0]).toMatchObject({
      name: 'new',
      topic: 't',
      unread_count: 3,
      my_role: 'owner',
    });
    expect(upsertRoom(rooms, update)[0]).toMatchObject({ name: 'new', unread_count: 0 });
  });

  it('removeRoom and withUnread return the same list when nothing changes', () => {
    const rooms = [makeRoom(1, { unread_count: 2 })];
    expect(removeRoom(rooms, 9)).toBe(rooms);
    expect(removeRoom(rooms, 1)).toEqual([]);
    expect(withUnread(rooms, 1, 2)).toBe(rooms);
    expect(withUnread(rooms, 1, 0)[0]!.unread_count).toBe(0);
  });
});
