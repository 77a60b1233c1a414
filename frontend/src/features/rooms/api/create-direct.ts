import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { upsertRoom } from '../lib/room-list';
import { roomsQueryKey } from './get-rooms';

/**
 * `POST /api/direct/` `{username}` → 201 new or 200 existing `direct` Room
 * (named after the other user); self: 400; unknown user: 404.
 */
export function createDirect(username: string): Promise<Room> {
  return apiRequest<Room>('/api/direct/', { method: 'POST', body: { username } });
}

/** Opens (or finds) the direct conversation with a user and puts it in my list. */
export function useCreateDirect() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createDirect,
    onSuccess: (room) => {
      queryClient.setQueryData<Room[]>(roomsQueryKey, (rooms) => {
        if (!rooms) return rooms;
        const existing = rooms.find((r) => r.id === room.id);
        // An existing conversation keeps its cached unread count and preview.
        return existing ? rooms : upsertRoom(rooms, room);
      });
    },
  });
}
