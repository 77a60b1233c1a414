import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { removeRoom } from '../lib/room-list';
import { publicRoomsQueryKey } from './get-public-rooms';
import { roomsQueryKey } from './get-rooms';

/** `POST /api/rooms/{id}/leave/` → 204. */
export function leaveRoom(roomId: number): Promise<void> {
  return apiRequest<void>(`/api/rooms/${roomId}/leave/`, { method: 'POST' });
}

/** Leaves a room and drops it from my list (the server also sends `room.removed`). */
export function useLeaveRoom() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: leaveRoom,
    onSuccess: (_data, roomId) => {
      queryClient.setQueryData<readonly Room[]>(roomsQueryKey, (rooms) => (rooms ? removeRoom(rooms, roomId) : rooms));
      queryClient.setQueryData<Room[]>(publicRoomsQueryKey, (rooms) =>
        rooms?.map((r) => (r.id === roomId ? { ...r, my_role: null } : r)),
      );
    },
  });
}
