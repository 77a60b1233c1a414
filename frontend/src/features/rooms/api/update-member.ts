import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';
import type { Member, RoomRole } from '@/types/api';

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

/** Changes a member's role or mute; the answer goes through the cache as `member.updated`. */
export function useUpdateMember(roomId: number) {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: ({ userId, change }: { userId: number; change: MemberChange }) => updateMember(roomId, userId, change),
    onSuccess: (member) => realtime.applyLocal({ type: 'member.updated', room: roomId, member }),
  });
}
