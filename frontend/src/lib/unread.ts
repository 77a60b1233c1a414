import type { Message } from '@/types/api';

/**
 * Whether a message counts as unread for `me` (contract "unread_count"):
 * someone else's, not deleted, and not a system message.
 */
export function countsAsUnread(m: Pick<Message, 'author' | 'deleted' | 'system'>, me: number | null): boolean {
  return !m.deleted && !m.system && m.author.id !== me;
}
