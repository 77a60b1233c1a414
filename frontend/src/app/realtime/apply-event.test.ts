import { describe, expect, it } from 'vitest';
import { addPending, emptyRoomMessages, mergeMessages } from '@/features/messages/lib/message-store';
import { alice, bob, makeMember, makeMessage, makeRoom } from '@/test/factories';
import type { ServerEvent } from '@/types/api';
import {
  applyEvent,
  applyToHistory,
  describeSocketError,
  emptyChatState,
  type ChatState,
  type HistoryEvent,
} from './apply-event';

const ctx = { now: 1_000_000, me: alice.id };

function stateWithRoom7(): ChatState {
  const history = mergeMessages(
    emptyRoomMessages(),
    [1, 2, 3].map((s) => makeMessage(7, s)),
  );
  return {
    rooms: [
      makeRoom(7, { unread_count: 0, last_message: history.items[2]! }),
      makeRoom(8, { last_message: makeMessage(8, 1, { created_at: '2023-06-01T00:00:00Z' }) }),
    ],
    publicRooms: [makeRoom(7), makeRoom(9, { my_role: null })],
    messages: { 7: history },
    members: { 7: [makeMember(alice, { online: true }), makeMember(bob)] },
    typing: {},
  };
}

describe('applyEvent: message.new', () => {
  it('appends to the cached history and updates preview, order and unread', () => {
    const state = stateWithRoom7();
    const message = makeMessage(8, 2, { created_at: '2031-01-01T00:00:00Z' });
    const next = applyEvent(state, { type: 'message.new', message }, ctx);
    expect(next.rooms!.map((r) => r.id)).toEqual([8, 7]);
    expect(next.rooms![0]).toMatchObject({ unread_count: 1, last_message: message });
    // Room 8 has no cached history: none is created from a lone live message.
    expect(next.messages[8]).toBeUndefined();

    const four = makeMessage(7, 4);
    const after = applyEvent(next, { type: 'message.new', message: four }, ctx);
    expect(after.messages[7]!.items.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('is idempotent: the same message twice is stored and counted once', () => {
    const state = stateWithRoom7();
    const event: ServerEvent = { type: 'message.new', message: makeMessage(7, 4) };
    const once = applyEvent(state, event, ctx);
    const twice = applyEvent(once, event, ctx);
    expect(twice).toBe(once);
    expect(twice.messages[7]!.items).toHaveLength(4);
    expect(twice.rooms!.find((r) => r.id === 7)!.unread_count).toBe(1);
  });

  it('confirms my pending send by client_id without counting it unread', () => {
    const state = stateWithRoom7();
    const withPending: ChatState = {
      ...state,
      messages: {
        7: addPending(state.messages[7]!, {
          client_id: 'cid-1',
          room: 7,
          body: 'hello',
          author: alice,
          created_at: '2024-01-01T00:00:00Z',
          state: 'pending',
          error: null,
        }),
      },
    };
    const mine = makeMessage(7, 4, { author: alice, client_id: 'cid-1', body: 'hello' });
    const next = applyEvent(withPending, { type: 'message.new', message: mine }, ctx);
    expect(next.messages[7]!.pending).toEqual([]);
    expect(next.messages[7]!.items.at(-1)).toEqual(mine);
    expect(next.rooms!.find((r) => r.id === 7)!.unread_count).toBe(0);
  });

  it("clears the author's typing indicator", () => {
    const state = { ...stateWithRoom7(), typing: { 7: [{ user: bob, until: ctx.now + 3000 }] } };
    const next = applyEvent(state, { type: 'message.new', message: makeMessage(7, 4, { author: bob }) }, ctx);
    expect(next.typing[7]).toEqual([]);
  });
});

describe('applyEvent: message.updated and message.deleted', () => {
  it('replaces the cached copy and the preview', () => {
    const state = stateWithRoom7();
    const edited = makeMessage(7, 3, { body: 'edited', edited_at: '2024-05-01T00:00:00Z' });
    const next = applyEvent(state, { type: 'message.updated', message: edited }, ctx);
    expect(next.messages[7]!.items[2]).toMatchObject({ body: 'edited', edited_at: '2024-05-01T00:00:00Z' });
    expect(next.rooms!.find((r) => r.id === 7)!.last_message!.body).toBe('edited');
  });

  it('ignores an edit of a message that is not cached', () => {
    const state = stateWithRoom7();
    const next = applyEvent(state, { type: 'message.updated', message: makeMessage(7, 40) }, ctx);
    expect(next).toBe(state);
  });

  it('marks a message deleted in place and blanks the preview', () => {
    const state = stateWithRoom7();
    const next = applyEvent(state, { type: 'message.deleted', room: 7, id: 7003, seq: 3 }, ctx);
    expect(next.messages[7]!.items.map((m) => [m.seq, m.deleted, m.body])).toEqual([
      [1, false, 'message 1'],
      [2, false, 'message 2'],
      [3, true, ''],
    ]);
    expect(next.rooms!.find((r) => r.id === 7)!.last_message).toMatchObject({ id: 7003, deleted: true, body: '' });
  });
});

describe('applyEvent: typing and presence', () => {
  it("shows another member's typing for 4 s and ignores my own", () => {
    const state = stateWithRoom7();
    const next = applyEvent(state, { type: 'typing', room: 7, user: bob }, ctx);
    expect(next.typing[7]).toEqual([{ user: bob, until: ctx.now + 4000 }]);
    expect(applyEvent(state, { type: 'typing', room: 7, user: alice }, ctx)).toBe(state);
  });

  it("sets a cached member's online flag", () => {
    const state = stateWithRoom7();
    const next = applyEvent(state, { type: 'presence', room: 7, user: bob, online: true }, ctx);
    expect(next.members[7]!.map((m) => [m.user.username, m.online])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
    const off = applyEvent(next, { type: 'presence', room: 7, user: alice, online: false }, ctx);
    expect(off.members[7]!.map((m) => m.online)).toEqual([false, true]);
    expect(applyEvent(state, { type: 'presence', room: 99, user: bob, online: true }, ctx)).toBe(state);
  });

  it("sets a direct room's peer_online from its other member's presence, not from mine", () => {
    const state: ChatState = {
      ...emptyChatState(),
      rooms: [makeRoom(5, { kind: 'direct', name: 'bob', peer_online: false }), makeRoom(6, { peer_online: null })],
    };
    const on = applyEvent(state, { type: 'presence', room: 5, user: bob, online: true }, ctx);
    expect(on.rooms!.map((r) => r.peer_online)).toEqual([true, null]);
    expect(applyEvent(on, { type: 'presence', room: 5, user: bob, online: true }, ctx)).toBe(on);
    expect(applyEvent(on, { type: 'presence', room: 5, user: alice, online: false }, ctx)).toBe(on);
    expect(applyEvent(on, { type: 'presence', room: 6, user: bob, online: true }, ctx)).toBe(on);
    const off = applyEvent(on, { type: 'presence', room: 5, user: bob, online: false }, ctx);
    expect(off.rooms![0]!.peer_online).toBe(false);
  });
});

describe('applyEvent: rooms', () => {
  it('room.added puts the room in my list and marks it joined among public rooms', () => {
    const state = stateWithRoom7();
    const room = makeRoom(9, {
      member_count: 5,
      last_message: makeMessage(9, 1, { created_at: '2032-01-01T00:00:00Z' }),
    });
    const next = applyEvent(state, { type: 'room.added', room }, ctx);
    expect(next.rooms!.map((r) => r.id)).toEqual([9, 7, 8]);
    expect(next.publicRooms!.find((r) => r.id === 9)).toMatchObject({ my_role: 'member', member_count: 5 });
  });

  it('room.updated renames but keeps my unread count and role', () => {
    const state = stateWithRoom7();
    const rooms = state.rooms!.map((r) => (r.id === 7 ? { ...r, unread_count: 5, my_role: 'owner' as const } : r));
    const update = makeRoom(7, { name: 'renamed', topic: 'news', is_locked: true, unread_count: 0, my_role: null });
    const next = applyEvent({ ...state, rooms }, { type: 'room.updated', room: update }, ctx);
    expect(next.rooms!.find((r) => r.id === 7)).toMatchObject({
      name: 'renamed',
      topic: 'news',
      is_locked: true,
      unread_count: 5,
      my_role: 'owner',
    });
    expect(next.publicRooms!.find((r) => r.id === 7)).toMatchObject({
      name: 'renamed',
      topic: 'news',
      is_locked: true,
    });
  });

  it('room.updated of a room not in my list leaves my list alone', () => {
    const state = stateWithRoom7();
    const next = applyEvent(state, { type: 'room.updated', room: makeRoom(42, { name: 'elsewhere' }) }, ctx);
    expect(next.rooms).toBe(state.rooms);
  });

  it('room.removed drops the room and its cached history, members and typing', () => {
    const state = { ...stateWithRoom7(), typing: { 7: [{ user: bob, until: ctx.now + 1 }] } };
    const next = applyEvent(state, { type: 'room.removed', room: 7 }, ctx);
    expect(next.rooms!.map((r) => r.id)).toEqual([8]);
    expect(7 in next.messages).toBe(false);
    expect(7 in next.members).toBe(false);
    expect(7 in next.typing).toBe(false);
    expect(next.publicRooms!.find((r) => r.id === 7)!.my_role).toBeNull();
  });
});

const carol = { id: 3, username: 'carol' };

describe('applyEvent: members', () => {
  it('member.added puts a new member in the cached list and counts one more member', () => {
    const state = stateWithRoom7();
    const member = makeMember(carol, { joined_at: '2024-02-01T00:00:00Z', online: true });
    const next = applyEvent(state, { type: 'member.added', room: 7, member }, ctx);
    expect(next.members[7]!.map((m) => m.user.username)).toEqual(['alice', 'bob', 'carol']);
    expect(next.members[7]![2]).toEqual(member);
    expect(next.rooms!.find((r) => r.id === 7)!.member_count).toBe(3);
    expect(next.publicRooms!.find((r) => r.id === 7)!.member_count).toBe(3);
    // Room 8 is untouched.
    expect(next.rooms!.find((r) => r.id === 8)).toBe(state.rooms!.find((r) => r.id === 8));

    // The same event again (e.g. after the REST answer applied it) counts once.
    const again = applyEvent(next, { type: 'member.added', room: 7, member }, ctx);
    expect(again).toBe(next);
  });

  it('member.added without a cached list counts others but not me (room.added carried my count)', () => {
    const state = { ...stateWithRoom7(), members: {} };
    const other = applyEvent(state, { type: 'member.added', room: 7, member: makeMember(carol) }, ctx);
    expect(other.rooms!.find((r) => r.id === 7)!.member_count).toBe(3);
    expect(other.members[7]).toBeUndefined();
    expect(applyEvent(state, { type: 'member.added', room: 7, member: makeMember(alice) }, ctx)).toBe(state);
  });

  it('member.updated replaces role and muted, keeps online, and re-sorts by role', () => {
    const state = stateWithRoom7();
    const muted = applyEvent(
      state,
      { type: 'member.updated', room: 7, member: makeMember(bob, { muted: true, online: true }) },
      ctx,
    );
    expect(muted.members[7]!.map((m) => [m.user.username, m.role, m.muted, m.online])).toEqual([
      ['alice', 'member', false, true],
      ['bob', 'member', true, false],
    ]);
    expect(muted.rooms).toBe(state.rooms);

    const promoted = applyEvent(
      muted,
      { type: 'member.updated', room: 7, member: makeMember(bob, { role: 'moderator', muted: true }) },
      ctx,
    );
    expect(promoted.members[7]!.map((m) => [m.user.username, m.role])).toEqual([
      ['bob', 'moderator'],
      ['alice', 'member'],
    ]);
    // Nothing new: the state itself comes back.
    expect(
      applyEvent(
        promoted,
        { type: 'member.updated', room: 7, member: makeMember(bob, { role: 'moderator', muted: true }) },
        ctx,
      ),
    ).toBe(promoted);
  });

  it('member.updated about me changes my_role in my rooms and the public list', () => {
    const state = stateWithRoom7();
    const next = applyEvent(
      state,
      { type: 'member.updated', room: 7, member: makeMember(alice, { role: 'moderator' }) },
      ctx,
    );
    expect(next.rooms!.find((r) => r.id === 7)!.my_role).toBe('moderator');
    expect(next.publicRooms!.find((r) => r.id === 7)!.my_role).toBe('moderator');
    expect(next.members[7]!.find((m) => m.user.id === alice.id)!.role).toBe('moderator');
    expect(next.rooms!.find((r) => r.id === 7)!.member_count).toBe(2);
  });

  it('member.removed drops the member and counts one fewer, once', () => {
    const state = stateWithRoom7();
    const next = applyEvent(state, { type: 'member.removed', room: 7, user: bob }, ctx);
    expect(next.members[7]!.map((m) => m.user.username)).toEqual(['alice']);
    expect(next.rooms!.find((r) => r.id === 7)!.member_count).toBe(1);
    expect(next.publicRooms!.find((r) => r.id === 7)!.member_count).toBe(1);
    expect(applyEvent(next, { type: 'member.removed', room: 7, user: bob }, ctx)).toBe(next);
  });

  it('member.removed without a cached list still counts one fewer', () => {
    const state = { ...stateWithRoom7(), members: {} };
    const next = applyEvent(state, { type: 'member.removed', room: 8, user: bob }, ctx);
    expect(next.rooms!.find((r) => r.id === 8)!.member_count).toBe(1);
    expect(next.members).toEqual({});
  });

  it('member events of a room I do not have change nothing', () => {
    const state = stateWithRoom7();
    expect(applyEvent(state, { type: 'member.updated', room: 99, member: makeMember(bob, { muted: true }) }, ctx)).toBe(
      state,
    );
    expect(applyEvent(state, { type: 'member.removed', room: 99, user: bob }, ctx)).toBe(state);
  });
});

describe('applyEvent: read', () => {
  it('clears the badge when the read position reaches the last message', () => {
    const state = stateWithRoom7();
    const rooms = state.rooms!.map((r) => (r.id === 7 ? { ...r, unread_count: 2 } : r));
    const next = applyEvent({ ...state, rooms }, { type: 'read', room: 7, seq: 3 }, ctx);
    expect(next.rooms!.find((r) => r.id === 7)!.unread_count).toBe(0);
  });

  it("counts the cached messages after a partial read (others' and not deleted)", () => {
    const base = stateWithRoom7();
    const history = mergeMessages(base.messages[7]!, [
      makeMessage(7, 4, { author: alice }),
      makeMessage(7, 5, { deleted: true, body: '' }),
      makeMessage(7, 6),
    ]);
    const rooms = base.rooms!.map((r) =>
      r.id === 7 ? { ...r, unread_count: 5, last_message: history.items.at(-1)! } : r,
    );
    const next = applyEvent({ ...base, rooms, messages: { 7: history } }, { type: 'read', room: 7, seq: 2 }, ctx);
    // After seq 2: #3 (bob), #4 (mine), #5 (deleted), #6 (bob) → 2 unread.
    expect(next.rooms!.find((r) => r.id === 7)!.unread_count).toBe(2);
  });
});

describe('applyEvent: error, hello, pong', () => {
  it('an error with a client_id fails that send with a readable reason', () => {
    const state = stateWithRoom7();
    const withPending: ChatState = {
      ...state,
      messages: {
        7: addPending(state.messages[7]!, {
          client_id: 'cid-2',
          room: 7,
          body: 'x',
          author: alice,
          created_at: '2024-01-01T00:00:00Z',
          state: 'pending',
          error: null,
        }),
      },
    };
    const next = applyEvent(
      withPending,
      { type: 'error', code: 'rate_limited', detail: 'slow down', client_id: 'cid-2', retry_after_ms: 2500 },
      ctx,
    );
    expect(next.messages[7]!.pending[0]).toMatchObject({
      client_id: 'cid-2',
      state: 'failed',
      error: 'You are sending too fast. Try again in 3 s.',
    });
  });

  it('an error without a client_id, hello and pong change nothing', () => {
    const state = stateWithRoom7();
    expect(applyEvent(state, { type: 'error', code: 'bad_request', detail: 'x' }, ctx)).toBe(state);
    expect(applyEvent(state, { type: 'hello', user: alice, rooms: [7] }, ctx)).toBe(state);
    expect(applyEvent(state, { type: 'pong' }, ctx)).toBe(state);
    expect(applyEvent(emptyChatState(), { type: 'message.new', message: makeMessage(1, 1) }, ctx)).toEqual(
      emptyChatState(),
    );
  });

  it('describes every error code in words', () => {
    expect(describeSocketError({ code: 'forbidden', detail: 'room is locked' })).toBe('Not allowed: room is locked');
    expect(describeSocketError({ code: 'invalid' })).toMatch(/1 to 4000/);
    expect(describeSocketError({ code: 'not_found' })).toMatch(/no longer exists/);
    expect(describeSocketError({ code: 'bad_request', detail: 'unknown type' })).toMatch(/unknown type/);
    expect(describeSocketError({ code: 'rate_limited', retry_after_ms: 400 })).toBe(
      'You are sending too fast. Try again in 1 s.',
    );
  });
});

describe('applyEvent: reaction and mention', () => {
  it('sets the count on the cached message, and me only for my own reaction', () => {
    const state = stateWithRoom7();
    const frame = { type: 'reaction', room: 7, message: state.messages[7]!.items[0]!.id, seq: 1, emoji: '👍' } as const;
    const byBob = applyEvent(state, { ...frame, count: 1, user: bob, added: true }, ctx);
    expect(byBob.messages[7]!.items[0]!.reactions).toEqual([{ emoji: '👍', count: 1, me: false }]);
    const byMe = applyEvent(byBob, { ...frame, count: 2, user: alice, added: true }, ctx);
    expect(byMe.messages[7]!.items[0]!.reactions).toEqual([{ emoji: '👍', count: 2, me: true }]);
    const gone = applyEvent(byMe, { ...frame, count: 0, user: bob, added: false }, ctx);
    expect(gone.messages[7]!.items[0]!.reactions).toEqual([]);
    // A message that is not cached changes nothing.
    expect(applyEvent(state, { ...frame, message: 999, count: 1, user: bob, added: true }, ctx)).toBe(state);
  });

  it('counts a mention on the room, and reading to the end clears it', () => {
    const state = stateWithRoom7();
    const message = state.messages[7]!.items[2]!;
    const mentioned = applyEvent(state, { type: 'mention', room: 7, message, everyone: false }, ctx);
    expect(mentioned.rooms!.find((r) => r.id === 7)!.mention_count).toBe(1);
    const read = applyEvent(mentioned, { type: 'read', room: 7, seq: 3 }, ctx);
    expect(read.rooms!.find((r) => r.id === 7)!.mention_count).toBe(0);
  });
});

describe('applyEvent: starred', () => {
  it("sets the room's star, and returns the same state when nothing changes", () => {
    const state = stateWithRoom7();
    const starred = applyEvent(state, { type: 'starred', room: 7, starred: true }, ctx);
    expect(starred.rooms!.find((r) => r.id === 7)!.starred).toBe(true);
    expect(applyEvent(starred, { type: 'starred', room: 7, starred: true }, ctx)).toBe(starred);
    const unstarred = applyEvent(starred, { type: 'starred', room: 7, starred: false }, ctx);
    expect(unstarred.rooms!.find((r) => r.id === 7)!.starred).toBe(false);
    expect(applyEvent(state, { type: 'starred', room: 99, starred: true }, ctx)).toBe(state);
  });
});

describe('applyToHistory', () => {
  it('replaying frames onto a history that already reflects them leaves it as they left it', () => {
    const edited = makeMessage(7, 1, { body: 'fixed', edited_at: '2024-01-01T12:05:00Z' });
    const frames: HistoryEvent[] = [
      { type: 'message.new', message: makeMessage(7, 3) },
      { type: 'message.updated', message: edited },
      { type: 'message.deleted', room: 7, id: 7002, seq: 2 },
      { type: 'reaction', room: 7, message: 7003, seq: 3, emoji: '👍', count: 1, user: alice, added: true },
    ];
    const page = frames.reduce((s, e) => applyToHistory(s, e, alice.id), stateWithRoom7().messages[7]!);
    expect(page.items.map((m) => m.body)).toEqual(['fixed', '', 'message 3']);
    expect(frames.reduce((s, e) => applyToHistory(s, e, alice.id), page)).toEqual(page);
  });
});
