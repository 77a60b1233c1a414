import type { Member, Room, RoomRole } from '@/types/api';

const RANK: Record<RoomRole, number> = { owner: 0, moderator: 1, member: 2 };

/**
 * Members in the server's order (`GET /api/rooms/{id}/members/`): owners,
 * then moderators, then members, each by join time. Returns a new array.
 */
export function sortMembers(members: readonly Member[]): Member[] {
  return [...members].sort(
    (a, b) => RANK[a.role] - RANK[b.role] || a.joined_at.localeCompare(b.joined_at) || a.user.id - b.user.id,
  );
}

/**
 * The cache entries a membership change touches: one room's member list and
 * my room lists (for `member_count` and my own `my_role`). `members` is
 * undefined when that room's list is not cached.
 */
export interface MemberSlices {
  members: readonly Member[] | undefined;
  rooms: readonly Room[] | undefined;
  publicRooms: readonly Room[] | undefined;
}

function mapRoom(
  rooms: readonly Room[] | undefined,
  roomId: number,
  change: (room: Room) => Room,
): readonly Room[] | undefined {
  const room = rooms?.find((r) => r.id === roomId);
  if (!rooms || !room) return rooms;
  const next = change(room);
  return next === room ? rooms : rooms.map((r) => (r.id === roomId ? next : r));
}

/** A direct room never holds more than its two people. */
const DIRECT_MEMBERS = 2;

function withCountDelta(
  rooms: readonly Room[] | undefined,
  roomId: number,
  delta: number,
): readonly Room[] | undefined {
  if (delta === 0) return rooms;
  return mapRoom(rooms, roomId, (room) => {
    const grown = Math.max(0, room.member_count + delta);
    const count = room.kind === 'direct' ? Math.min(DIRECT_MEMBERS, grown) : grown;
    return count === room.member_count ? room : { ...room, member_count: count };
  });
}

function withMyRole(rooms: readonly Room[] | undefined, roomId: number, role: RoomRole): readonly Room[] | undefined {
  return mapRoom(rooms, roomId, (room) => (room.my_role === role ? room : { ...room, my_role: role }));
}

function same(a: MemberSlices, b: MemberSlices): boolean {
  return a.members === b.members && a.rooms === b.rooms && a.publicRooms === b.publicRooms;
}

/**
 * `member.added` (docs/protocol.md): the member is put in the cached list
 * (replacing a copy already there) and the room counts one more member.
 * With the list cached, only a member it did not hold counts; without it,
 * any member but me (my own `room.added` already carried the new count).
 * A direct room counts at most two: its creator's `room.added` already
 * counts both people, and the other's `member.added` follows it.
 * Returns `slices` itself when nothing changed.
 */
export function memberAdded(slices: MemberSlices, roomId: number, member: Member, me: number | null): MemberSlices {
  const list = slices.members;
  const current = list?.find((m) => m.user.id === member.user.id);
  const present = current !== undefined;
  const unchanged =
    current !== undefined &&
    current.role === member.role &&
    current.muted === member.muted &&
    current.online === member.online &&
    current.joined_at === member.joined_at;
  const members =
    !list || unchanged ? list : sortMembers([...list.filter((m) => m.user.id !== member.user.id), member]);
  const counts = list ? !present : member.user.id !== me;
  const next: MemberSlices = {
    members,
    rooms: withCountDelta(slices.rooms, roomId, counts ? 1 : 0),
    publicRooms: withCountDelta(slices.publicRooms, roomId, counts ? 1 : 0),
  };
  return same(slices, next) ? slices : next;
}

/**
 * `member.updated` (docs/protocol.md): the cached member takes the event's
 * `role` and `muted` (its `online` stays, as `presence` keeps it); a member
 * the list lacks is added. When it is me, my rooms take the new `my_role`.
 * The member count does not change.
 */
export function memberUpdated(slices: MemberSlices, roomId: number, member: Member, me: number | null): MemberSlices {
  const list = slices.members;
  let members = list;
  if (list) {
    const current = list.find((m) => m.user.id === member.user.id);
    if (!current) members = sortMembers([...list, member]);
    else if (current.role !== member.role || current.muted !== member.muted) {
      members = sortMembers(
        list.map((m) => (m === current ? { ...current, role: member.role, muted: member.muted } : m)),
      );
    }
  }
  const mine = member.user.id === me;
  const next: MemberSlices = {
    members,
    rooms: mine ? withMyRole(slices.rooms, roomId, member.role) : slices.rooms,
    publicRooms: mine ? withMyRole(slices.publicRooms, roomId, member.role) : slices.publicRooms,
  };
  return same(slices, next) ? slices : next;
}

/**
 * `member.removed` (docs/protocol.md; never sent to the removed user): the
 * member leaves the cached list and the room counts one fewer. With the list
 * cached, only a member it held counts, so applying a removal twice (the
 * moderator's own REST answer, then the event) counts once.
 */
export function memberRemoved(slices: MemberSlices, roomId: number, userId: number): MemberSlices {
  const list = slices.members;
  const present = list?.some((m) => m.user.id === userId) ?? false;
  const members = list && present ? list.filter((m) => m.user.id !== userId) : list;
  const counts = list ? present : true;
  const next: MemberSlices = {
    members,
    rooms: withCountDelta(slices.rooms, roomId, counts ? -1 : 0),
    publicRooms: withCountDelta(slices.publicRooms, roomId, counts ? -1 : 0),
  };
  return same(slices, next) ? slices : next;
}
