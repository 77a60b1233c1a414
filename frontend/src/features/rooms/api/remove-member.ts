import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { memberRemoved } from '../lib/member-list';
import { applyMemberChange } from './member-cache';

/**
 * `DELETE /api/rooms/{id}/members/{user_id}/` → 204 (owner, moderators; not
 * on an owner). The user gets `room.removed` and may join again; a ban is
 * what keeps them out.
 */
export function removeMember(roomId: number, userId: number): Promise<void> {
  return apiRequest<void>(`/api/rooms/${roomId}/members/${userId}/`, { method: 'DELETE' });
}

/** Removes a member; they leave the cached list and the member count at once. */
export function useRemoveMember(roomId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) => removeMember(roomId, userId),
    onSuccess: (_data, userId) => applyMemberChange(queryClient, roomId, (s) => memberRemoved(s, roomId, userId)),
  });
}
