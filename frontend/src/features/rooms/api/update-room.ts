import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { upsertRoom } from '../lib/room-list';
import { publicRoomsQueryKey } from './get-public-rooms';
import { roomsQueryKey } from './get-rooms';

/** The body of `PATCH /api/rooms/{id}/`: any of name, topic and lock. */
export interface RoomChange {
  name?: string;
  topic?: string;
  is_locked?: boolean;
}

/**
 * `PATCH /api/rooms/{id}/` `{name?, topic?, is_locked?}` → 200 Room (owner,
 * moderators); members hear it as `room.updated`. A name is 1–100
 * characters, a topic at most 500; a direct room has no name to change.
 */
export function updateRoom(roomId: number, change: RoomChange): Promise<Room> {
  return apiRequest<Room>(`/api/rooms/${roomId}/`, { method: 'PATCH', body: change });
}

/** Saves a room's settings and shows them at once, as the `room.updated` event would. */
export function useUpdateRoom(roomId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (change: RoomChange) => updateRoom(roomId, change),
    onSuccess: (room) => {
      queryClient.setQueryData<Room[]>(roomsQueryKey, (rooms) =>
        rooms?.some((r) => r.id === room.id) ? upsertRoom(rooms, room, true) : rooms,
      );
      queryClient.setQueryData<Room[]>(publicRoomsQueryKey, (rooms) =>
        rooms?.map((r) =>
          r.id === room.id ? { ...r, name: room.name, topic: room.topic, is_locked: room.is_locked } : r,
        ),
      );
    },
  });
}
