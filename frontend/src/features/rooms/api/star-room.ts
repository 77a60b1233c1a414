import { useMutation } from '@tanstack/react-query';
import { apiRequest, errorMessage } from '@/lib/api-client';
import { pushNotice } from '@/lib/notices';
import { useRealtime } from '@/lib/realtime';
import type { Room } from '@/types/api';

/**
 * `PUT /api/rooms/{id}/star/` (star) or `DELETE` (unstar) → 200 Room with
 * `starred`; both idempotent, members only (a public room not joined: 403).
 */
export function setRoomStar(roomId: number, starred: boolean): Promise<Room> {
  return apiRequest<Room>(`/api/rooms/${roomId}/star/`, { method: starred ? 'PUT' : 'DELETE' });
}

/**
 * Stars or unstars one of my rooms. The sidebar moves the room at once, as the
 * `starred` frame does on my other tabs, and moves it back with a notice if
 * the server refuses.
 */
export function useStarRoom() {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: ({ roomId, starred }: { roomId: number; starred: boolean }) => setRoomStar(roomId, starred),
    onMutate: ({ roomId, starred }) => realtime.applyLocal({ type: 'starred', room: roomId, starred }),
    onError: (error, { roomId, starred }) => {
      realtime.applyLocal({ type: 'starred', room: roomId, starred: !starred });
      pushNotice(`Could not ${starred ? 'star' : 'unstar'} the room: ${errorMessage(error)}`);
    },
    onSuccess: (room) => realtime.applyLocal({ type: 'starred', room: room.id, starred: room.starred ?? false }),
  });
}
