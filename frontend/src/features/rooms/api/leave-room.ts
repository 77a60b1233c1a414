import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';

/** `POST /api/rooms/{id}/leave/` → 204. */
export function leaveRoom(roomId: number): Promise<void> {
  return apiRequest<void>(`/api/rooms/${roomId}/leave/`, { method: 'POST' });
}

/** Leaves a room and drops it from my list at once, as the `room.removed` the server also sends does. */
export function useLeaveRoom() {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: leaveRoom,
    onSuccess: (_data, roomId) => realtime.applyLocal({ type: 'room.removed', room: roomId }),
  });
}
