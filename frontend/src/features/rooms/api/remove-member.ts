import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';
import type { User } from '@/types/api';

/**
 * `DELETE /api/rooms/{id}/members/{user_id}/` → 204 (owner, moderators; not
 * on an owner). The user gets `room.removed` and may join again; a ban is
 * what keeps them out.
 */
export function removeMember(roomId: number, userId: number): Promise<void> {
  return apiRequest<void>(`/api/rooms/${roomId}/members/${userId}/`, { method: 'DELETE' });
}

/** Removes a member; they leave the cached list and the member count at once, as `member.removed`. */
export function useRemoveMember(roomId: number) {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: (user: User) => removeMember(roomId, user.id),
    onSuccess: (_data, user) => realtime.applyLocal({ type: 'member.removed', room: roomId, user }),
  });
}
