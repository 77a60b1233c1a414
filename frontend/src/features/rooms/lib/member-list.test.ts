import { describe, expect, it } from 'vitest';
import { alice, bob, makeMember, makeRoom } from '@/test/factories';
import { memberAdded, memberRemoved, memberUpdated, sortMembers, type MemberSlices } from './member-list';

const carol = { id: 3, username: 'carol' };

function slices(): MemberSlices {
  return {
    members: [makeMember(alice, { role: 'owner' }), makeMember(bob, { joined_at: '2024-01-02T00:00:00Z' })],
    rooms: [makeRoom(7, { member_count: 2 }), makeRoom(8, { member_count: 5 })],
    publicRooms: undefined,
  };
}

describe('sortMembers', () => {
  it('orders owners, moderators, members, each by join time', () => {
    const sorted = sortMembers([
      makeMember(carol, { joined_at: '2024-01-01T00:00:00Z' }),
      makeMember(bob, { role: 'moderator', joined_at: '2024-03-01T00:00:00Z' }),
      makeMember(alice, { role: 'owner', joined_at: '2024-05-01T00:00:00Z' }),
      makeMember({ id: 4, username: 'dan' }, { joined_at: '2023-01-01T00:00:00Z' }),
    ]);
    expect(sorted.map((m) => m.user.username)).toEqual(['alice', 'bob', 'dan', 'carol']);
  });
});

describe('member changes applied twice (REST answer, then the event)', () => {
  it('a removal counts once', () => {
    const once = memberRemoved(slices(), 7, bob.id);
    expect(once.members!.map((m) => m.user.id)).toEqual([alice.id]);
    expect(once.rooms![0]!.member_count).toBe(1);
    expect(once.rooms![1]!.member_count).toBe(5);
    expect(memberRemoved(once, 7, bob.id)).toBe(once);
  });

  it('an addition counts once', () => {
    const once = memberAdded(slices(), 7, makeMember(carol, { joined_at: '2024-02-01T00:00:00Z' }), alice.id);
    expect(once.members!.map((m) => m.user.id)).toEqual([alice.id, bob.id, carol.id]);
    expect(once.rooms![0]!.member_count).toBe(3);
    expect(memberAdded(once, 7, makeMember(carol, { joined_at: '2024-02-01T00:00:00Z' }), alice.id)).toBe(once);
  });

  it('a mute lands once and keeps the count', () => {
    const base = slices();
    const once = memberUpdated(base, 7, makeMember(bob, { muted: true, joined_at: '2024-01-02T00:00:00Z' }), alice.id);
    expect(once.members!.find((m) => m.user.id === bob.id)!.muted).toBe(true);
    // Someone else's mute leaves my room lists as they were.
    expect(once.rooms).toBe(base.rooms);
    expect(memberUpdated(once, 7, makeMember(bob, { muted: true }), alice.id)).toBe(once);
  });

  it('the count never goes below zero', () => {
    const empty: MemberSlices = {
      members: undefined,
      rooms: [makeRoom(7, { member_count: 0 })],
      publicRooms: undefined,
    };
    expect(memberRemoved(empty, 7, bob.id)).toBe(empty);
  });

  it('a new direct room counts its two people once', () => {
    // The creator's room.added already counts both; the other's member.added follows.
    const start: MemberSlices = {
      members: undefined,
      rooms: [makeRoom(7, { kind: 'direct', member_count: 2 })],
      publicRooms: undefined,
    };
    const after = memberAdded(start, 7, makeMember(bob), alice.id);
    expect(after.rooms![0]!.member_count).toBe(2);
  });
});
