import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Ban } from '@/types/api';
import { memberRemoved } from '../lib/member-list';
import { bansQueryKey } from './get-bans';
import { applyMemberChange } from './member-cache';

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
  return useMutation({
    mutationFn: (input: BanInput) => banUser(roomId, input),
    onSuccess: (ban) => {
      applyMemberChange(queryClient, roomId, (s) => memberRemoved(s, roomId, ban.user.id));
      void queryClient.invalidateQueries({ queryKey: bansQueryKey(roomId) });
    },
  });
}
