import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';
import type { Room } from '@/types/api';

/**
 * `POST /api/direct/` `{username}` → 201 new or 200 existing `direct` Room
 * (named after the other user); self: 400; unknown user: 404.
 */
export function createDirect(username: string): Promise<Room> {
  return apiRequest<Room>('/api/direct/', { method: 'POST', body: { username } });
}

/**
 * Opens (or finds) the direct conversation with a user and puts it in my list
 * as `room.added`; a conversation already listed keeps its cached unread count.
 */
export function useCreateDirect() {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: createDirect,
    onSuccess: (room) => realtime.applyLocal({ type: 'room.added', room }),
  });
}
