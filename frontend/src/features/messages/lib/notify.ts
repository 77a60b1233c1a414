import { filesLine } from '@/lib/format';
import { markdownToPlain } from '@/lib/markdown';
import type { Message, Room, ServerEvent } from '@/types/api';

export interface DesktopNotice {
  title: string;
  body: string;
  room: number;
}

/**
 * The desktop notification a frame calls for, or null: a mention of me (by
 * name or @room) unless the room is muted, or a new message of someone else
 * in a direct room whose level is `all`. The caller shows it only while the
 * tab is hidden and the user allowed notifications. Its body is the
 * message's plain text (lib/markdown), at most 200 characters.
 */
/** The first 200 characters of a body's plain text (no Markdown marks), or its files when it has no text. */
function noticeText(message: Message): string {
  return markdownToPlain(message.body).slice(0, 200) || filesLine(message.attachments ?? []);
}

export function noticeFor(
  event: ServerEvent,
  rooms: readonly Room[] | undefined,
  me: number | null,
): DesktopNotice | null {
  if (event.type !== 'mention' && event.type !== 'message.new') return null;
  const message = event.message;
  if (message.author.id === me || message.deleted || message.system) return null;
  const room = rooms?.find((r) => r.id === message.room);
  if (!room) return null;
  const level = room.notification_level ?? 'all';
  if (event.type === 'mention') {
    if (level === 'muted') return null;
    return { title: `${message.author.username} in ${room.name}`, body: noticeText(message), room: room.id };
  }
  if (room.kind !== 'direct' || level !== 'all') return null;
  return { title: message.author.username, body: noticeText(message), room: room.id };
}

/** The tab title's count: unread messages of rooms that are not muted, plus mentions in muted ones. */
export function titleCount(rooms: readonly Room[]): number {
  return rooms.reduce(
    (sum, r) => sum + (r.notification_level === 'muted' ? (r.mention_count ?? 0) : r.unread_count),
    0,
  );
}
