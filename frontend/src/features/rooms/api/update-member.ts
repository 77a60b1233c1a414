import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Member, RoomRole } from '@/types/api';
import { memberUpdated } from '../lib/member-list';
import { applyMemberChange } from './member-cache';

/** The body of `PATCH /api/rooms/{id}/members/{user_id}/`: a role, a mute, or both; the reason goes to the audit log. */
export interface MemberChange {
  role?: RoomRole;
  muted?: boolean;
  reason?: string;
}

/**
 * `PATCH /api/rooms/{id}/members/{user_id}/` `{role?, muted?, reason?}` → 200
 * Member (contract "Moderation": roles by the owner, mutes by owner and
 * moderators); refusals are 403/404/400 `{"detail", "code"}`.
 */
export function updateMember(roomId: number, userId: number, change: MemberChange): Promise<Member> {
  return apiRequest<Member>(`/api/rooms/${roomId}/members/${userId}/`, { method: 'PATCH', body: change });
}

/** Changes a member's role or mute; the answer updates the cached list (the `member.updated` event agrees). */
export function useUpdateMember(roomId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, change }: { userId: number; change: MemberChange }) => updateMember(roomId, userId, change),
    // The target is never me (nobody moderates themselves), so my own role is left to the event.
    onSuccess: (member) => applyMemberChange(queryClient, roomId, (s) => memberUpdated(s, roomId, member, null)),
  });
}
