import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';
import type { Ban } from '@/types/api';
import { bansQueryKey } from './get-bans';

/** What a ban needs: the user's name and, optionally, why (kept in the ban and the audit log). */
export interface BanInput {
  username: string;
  reason?: string;
}

/**
 * `POST /api/rooms/{id}/bans/` `{username, reason?}` → 201 Ban (200 when
 * already banned). A member leaves the room at once (`room.removed`) and
 * can neither join nor be added again (contract "Moderation").
 */
export function banUser(roomId: number, input: BanInput): Promise<Ban> {
  return apiRequest<Ban>(`/api/rooms/${roomId}/bans/`, { method: 'POST', body: input });
}

/** Bans a user: they leave the cached member list, and the ban list is refetched. */
export function useBanUser(roomId: number) {
  const queryClient = useQueryClient();
  const realtime = useRealtime();
  return useMutation({
    mutationFn: (input: BanInput) => banUser(roomId, input),
    onSuccess: (ban) => {
      realtime.applyLocal({ type: 'member.removed', room: roomId, user: ban.user });
      void queryClient.invalidateQueries({ queryKey: bansQueryKey(roomId) });
    },
  });
}
