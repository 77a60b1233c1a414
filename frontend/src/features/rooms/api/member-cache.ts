import type { QueryClient } from '@tanstack/react-query';
import type { Member, Room } from '@/types/api';
import type { MemberSlices } from '../lib/member-list';
import { membersQueryKey } from './get-members';
import { publicRoomsQueryKey } from './get-public-rooms';
import { roomsQueryKey } from './get-rooms';

/**
 * Applies a membership change that my own REST call made (mute, role,
 * removal, ban) to the cached member list and room lists at once, with the
 * same pure functions the socket's `member.*` events go through, so the
 * event that follows finds nothing left to do. Only when the room's member
 * list is cached: without it, counting would be left to the event alone.
 */
export function applyMemberChange(
  queryClient: QueryClient,
  roomId: number,
  change: (slices: MemberSlices) => MemberSlices,
): void {
  const before: MemberSlices = {
    members: queryClient.getQueryData<Member[]>(membersQueryKey(roomId)),
    rooms: queryClient.getQueryData<Room[]>(roomsQueryKey),
    publicRooms: queryClient.getQueryData<Room[]>(publicRoomsQueryKey),
  };
  if (!before.members) return;
  const after = change(before);
  if (after === before) return;
  if (after.members !== before.members) queryClient.setQueryData(membersQueryKey(roomId), after.members);
  if (after.rooms !== before.rooms) queryClient.setQueryData(roomsQueryKey, after.rooms);
  if (after.publicRooms !== before.publicRooms) queryClient.setQueryData(publicRoomsQueryKey, after.publicRooms);
}
