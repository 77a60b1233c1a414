import { apiRequest } from '@/lib/api-client';
import type { Reaction, User } from '@/types/api';

/** `PUT` / `DELETE /api/messages/{id}/reactions/{emoji}/` → `{message, reactions}` as I see them. */
export function setReaction(messageId: number, emoji: string, on: boolean) {
  return apiRequest<{ message: number; reactions: Reaction[] }>(
    `/api/messages/${messageId}/reactions/${encodeURIComponent(emoji)}/`,
    { method: on ? 'PUT' : 'DELETE' },
  );
}

/** `GET /api/messages/{id}/reactions/` → who reacted, per emoji. */
export function getReactionUsers(messageId: number) {
  return apiRequest<{ emoji: string; count: number; users: User[] }[]>(`/api/messages/${messageId}/reactions/`);
}
