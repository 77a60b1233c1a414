import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';
import type { Room } from '@/types/api';

/** The body of `PATCH /api/rooms/{id}/`: any of name, topic and lock. */
export interface RoomChange {
  name?: string;
  topic?: string;
  is_locked?: boolean;
  membership_notices?: boolean;
}

/**
 * `PATCH /api/rooms/{id}/` `{name?, topic?, is_locked?}` → 200 Room (owner,
 * moderators); members hear it as `room.updated`. A name is 1–100
 * characters, a topic at most 500; a direct room has no name to change.
 */
export function updateRoom(roomId: number, change: RoomChange): Promise<Room> {
  return apiRequest<Room>(`/api/rooms/${roomId}/`, { method: 'PATCH', body: change });
}

/** Saves a room's settings and shows them at once, through the `room.updated` event's path. */
export function useUpdateRoom(roomId: number) {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: (change: RoomChange) => updateRoom(roomId, change),
    onSuccess: (room) => realtime.applyLocal({ type: 'room.updated', room }),
  });
}
