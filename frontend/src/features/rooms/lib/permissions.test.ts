import { describe, expect, it } from 'vitest';
import { alice, bob, makeMember, makeRoom } from '@/test/factories';
import type { RoomRole } from '@/types/api';
import { canManageRoom, hasActions, memberActions } from './permissions';

const room = (my_role: RoomRole | null, kind: 'public' | 'private' | 'direct' = 'public') =>
  makeRoom(7, { my_role, kind });

describe('memberActions', () => {
  it('an owner may change roles, mute, remove and ban moderators and members', () => {
    expect(memberActions(room('owner'), alice.id, makeMember(bob))).toEqual({
      roles: ['moderator', 'owner'],
      mute: true,
      remove: true,
      ban: true,
    });
    expect(memberActions(room('owner'), alice.id, makeMember(bob, { role: 'moderator' })).roles).toEqual([
      'member',
      'owner',
    ]);
  });

  it('a moderator may mute, remove and ban plain members only, and change no roles', () => {
    expect(memberActions(room('moderator'), alice.id, makeMember(bob))).toEqual({
      roles: [],
      mute: true,
      remove: true,
      ban: true,
    });
    expect(hasActions(memberActions(room('moderator'), alice.id, makeMember(bob, { role: 'moderator' })))).toBe(false);
    expect(hasActions(memberActions(room('moderator'), alice.id, makeMember(bob, { role: 'owner' })))).toBe(false);
  });

  it('nobody acts on an owner, on themselves, as a plain member, or in a direct room', () => {
    expect(hasActions(memberActions(room('owner'), alice.id, makeMember(bob, { role: 'owner' })))).toBe(false);
    expect(hasActions(memberActions(room('owner'), alice.id, makeMember(alice, { role: 'owner' })))).toBe(false);
    expect(hasActions(memberActions(room('moderator'), alice.id, makeMember(alice, { role: 'moderator' })))).toBe(
      false,
    );
    expect(hasActions(memberActions(room('member'), alice.id, makeMember(bob)))).toBe(false);
    expect(hasActions(memberActions(room(null), alice.id, makeMember(bob)))).toBe(false);
    expect(hasActions(memberActions(room('owner', 'direct'), alice.id, makeMember(bob)))).toBe(false);
  });
});

describe('canManageRoom', () => {
  it('is for owners and moderators outside direct rooms', () => {
    expect(canManageRoom(room('owner'))).toBe(true);
    expect(canManageRoom(room('moderator', 'private'))).toBe(true);
    expect(canManageRoom(room('member'))).toBe(false);
    expect(canManageRoom(room(null))).toBe(false);
    expect(canManageRoom(room('owner', 'direct'))).toBe(false);
  });
});
