import type { Member, Message, Room, User } from '@/types/api';

export const alice: User = { id: 1, username: 'alice' };
export const bob: User = { id: 2, username: 'bob' };

/** A message of room `room` with the given seq; id defaults to room * 1000 + seq. */
export function makeMessage(room: number, seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: room * 1000 + seq,
    room,
    seq,
    author: bob,
    body: `message ${seq}`,
    created_at: new Date(Date.UTC(2024, 0, 1, 12, 0, seq)).toISOString(),
    edited_at: null,
    deleted: false,
    client_id: null,
    ...overrides,
  };
}

export function makeRoom(id: number, overrides: Partial<Room> = {}): Room {
  return {
    id,
    kind: 'public',
    name: `room-${id}`,
    topic: '',
    created_at: new Date(Date.UTC(2023, 0, 1)).toISOString(),
    member_count: 2,
    is_locked: false,
    my_role: 'member',
    unread_count: 0,
    last_message: null,
    ...overrides,
  };
}

export function makeMember(user: User, overrides: Partial<Member> = {}): Member {
  return { user, role: 'member', joined_at: '2024-01-01T00:00:00Z', muted: false, online: false, ...overrides };
}
