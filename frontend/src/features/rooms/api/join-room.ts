import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';
import type { Room } from '@/types/api';

/** `POST /api/rooms/{id}/join/` → 200 Room (public rooms only); private: 404; banned: 403. */
export function joinRoom(roomId: number): Promise<Room> {
  return apiRequest<Room>(`/api/rooms/${roomId}/join/`, { method: 'POST' });
}

/** Joins a public room and adds it to my list, as the `room.added` event does. */
export function useJoinRoom() {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: joinRoom,
    onSuccess: (room) => realtime.applyLocal({ type: 'room.added', room }),
  });
}
