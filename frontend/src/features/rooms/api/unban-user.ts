import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Ban } from '@/types/api';
import { bansQueryKey } from './get-bans';

/** `DELETE /api/rooms/{id}/bans/{user_id}/` → 204 (owner, moderators); the user may join or be added again. */
export function unbanUser(roomId: number, userId: number): Promise<void> {
  return apiRequest<void>(`/api/rooms/${roomId}/bans/${userId}/`, { method: 'DELETE' });
}

/** Lifts a ban and drops it from the cached ban list. */
export function useUnbanUser(roomId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) => unbanUser(roomId, userId),
    onSuccess: (_data, userId) => {
      queryClient.setQueryData<Ban[]>(bansQueryKey(roomId), (bans) => bans?.filter((b) => b.user.id !== userId));
    },
  });
}
