import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { upsertRoom } from '../lib/room-list';
import { publicRoomsQueryKey } from './get-public-rooms';
import { roomsQueryKey } from './get-rooms';

export interface CreateRoomInput {
  name: string;
  kind: 'public' | 'private';
  topic?: string;
}

/** `POST /api/rooms/` `{name, kind, topic?}` → 201 Room; the caller is its owner. */
export function createRoom(input: CreateRoomInput): Promise<Room> {
  return apiRequest<Room>('/api/rooms/', { method: 'POST', body: input });
}

/** Creates a room and puts it in my list at once (the `room.added` event is then a no-op). */
export function useCreateRoom() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createRoom,
    onSuccess: (room) => {
      queryClient.setQueryData<Room[]>(roomsQueryKey, (rooms) => (rooms ? upsertRoom(rooms, room) : rooms));
      if (room.kind === 'public') void queryClient.invalidateQueries({ queryKey: publicRoomsQueryKey });
    },
  });
}
