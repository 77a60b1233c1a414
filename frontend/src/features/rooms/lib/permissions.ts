import type { Member, Room, RoomRole } from '@/types/api';

/** True for the roles that moderate a room: owner and moderator (contract "Moderation"). */
export function isModeratorRole(role: RoomRole | null): boolean {
  return role === 'owner' || role === 'moderator';
}

/**
 * Whether I may moderate the room as a whole: edit its name, topic and lock
 * (`PATCH /api/rooms/{id}/`) and see and lift its bans. Owners and
 * moderators, never in a direct conversation.
 */
export function canManageRoom(room: Pick<Room, 'kind' | 'my_role'>): boolean {
  return room.kind !== 'direct' && isModeratorRole(room.my_role);
}

/** What I may do to one member; `roles` are the roles I may give them (their own excluded). */
export interface MemberActions {
  roles: RoomRole[];
  mute: boolean;
  remove: boolean;
  ban: boolean;
}

const NONE: MemberActions = { roles: [], mute: false, remove: false, ban: false };

/**
 * The moderation the server allows me on `target` (rooms/services.py):
 * nobody acts on themselves, nothing happens in direct rooms, owners act on
 * moderators and members (and alone change roles, including making another
 * owner), moderators act on plain members only, and an owner is out of
 * everyone's reach but staff's. Staff powers are not offered: the client
 * cannot tell staff apart.
 */
export function memberActions(
  room: Pick<Room, 'kind' | 'my_role'>,
  myId: number | null,
  target: Member,
): MemberActions {
  if (!canManageRoom(room) || target.user.id === myId || target.role === 'owner') return NONE;
  if (room.my_role === 'owner') {
    const roles = (['member', 'moderator', 'owner'] as const).filter((r) => r !== target.role);
    return { roles, mute: true, remove: true, ban: true };
  }
  if (target.role === 'member') return { roles: [], mute: true, remove: true, ban: true };
  return NONE;
}

/** True when `actions` offers anything at all. */
export function hasActions(actions: MemberActions): boolean {
  return actions.roles.length > 0 || actions.mute || actions.remove || actions.ban;
}
