import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';
import type { Room } from '@/types/api';
import { publicRoomsQueryKey } from './get-public-rooms';

export interface CreateRoomInput {
  name: string;
  kind: 'public' | 'private';
  topic?: string;
}

/**
 * `POST /api/rooms/` `{name, kind, topic?, membership_notices}` → 201 Room; the
 * caller is its owner. Rooms made here tell of members joining and leaving
 * (the API's default is off, for clients that count a history's messages).
 */
export function createRoom(input: CreateRoomInput): Promise<Room> {
  return apiRequest<Room>('/api/rooms/', { method: 'POST', body: { membership_notices: true, ...input } });
}

/** Creates a room and puts it in my list at once as `room.added` (the event is then a no-op). */
export function useCreateRoom() {
  const queryClient = useQueryClient();
  const realtime = useRealtime();
  return useMutation({
    mutationFn: createRoom,
    onSuccess: (room) => {
      realtime.applyLocal({ type: 'room.added', room });
      // The public list does not hold the new room yet: fetch it again.
      if (room.kind === 'public') void queryClient.invalidateQueries({ queryKey: publicRoomsQueryKey });
    },
  });
}
