import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { upsertRoom } from '../lib/room-list';
import { publicRoomsQueryKey } from './get-public-rooms';
import { roomsQueryKey } from './get-rooms';

/** `POST /api/rooms/{id}/join/` → 200 Room (public rooms only); private: 404; banned: 403. */
export function joinRoom(roomId: number): Promise<Room> {
  return apiRequest<Room>(`/api/rooms/${roomId}/join/`, { method: 'POST' });
}

/** Joins a public room and adds it to my list. */
export function useJoinRoom() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: joinRoom,
    onSuccess: (room) => {
      queryClient.setQueryData<Room[]>(roomsQueryKey, (rooms) => (rooms ? upsertRoom(rooms, room) : rooms));
      queryClient.setQueryData<Room[]>(publicRoomsQueryKey, (rooms) =>
        rooms?.map((r) => (r.id === room.id ? { ...r, my_role: room.my_role ?? 'member' } : r)),
      );
    },
  });
}
