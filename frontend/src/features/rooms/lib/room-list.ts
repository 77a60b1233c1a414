import { countsAsUnread } from '@/lib/unread';
import type { Message, Room } from '@/types/api';

/** A room's activity time (epoch ms): its last message's time, else its creation. */
export function roomActivity(room: Room): number {
  const time = Date.parse(room.last_message?.created_at ?? room.created_at);
  return Number.isNaN(time) ? 0 : time;
}

/** Rooms sorted by activity, newest first (ties: higher id first). Returns a new array. */
export function sortRooms(rooms: readonly Room[]): Room[] {
  return [...rooms].sort((a, b) => roomActivity(b) - roomActivity(a) || b.id - a.id);
}

/** The later of two last messages by seq (null-safe). */
function laterMessage(a: Message | null, b: Message | null): Message | null {
  if (!a) return b;
  if (!b) return a;
  return b.seq >= a.seq ? b : a;
}

/**
 * Inserts or replaces `room` by id, keeping the list sorted. With
 * `keepViewerFields` (for `room.updated`, sent alike to every member) the
 * cached viewer-specific fields `unread_count` and `my_role` survive, and
 * `last_message` is the later of the two.
 */
export function upsertRoom(rooms: readonly Room[], room: Room, keepViewerFields = false): Room[] {
  const existing = rooms.find((r) => r.id === room.id);
  let next = room;
  if (existing && keepViewerFields) {
    next = {
      ...existing,
      ...room,
      unread_count: existing.unread_count,
      my_role: existing.my_role,
      last_message: laterMessage(existing.last_message, room.last_message ?? null),
    };
  }
  return sortRooms([...rooms.filter((r) => r.id !== room.id), next]);
}

/** Drops room `id`; returns `rooms` itself when absent. */
export function removeRoom(rooms: readonly Room[], id: number): readonly Room[] {
  return rooms.some((r) => r.id === id) ? rooms.filter((r) => r.id !== id) : rooms;
}

/**
 * Applies a new message to the room list: it becomes `last_message` when its
 * seq is not older, the list is re-sorted, and `unread_count` grows by one
 * when someone else wrote it and it is newer than the known last message
 * (contract: unread counts others' messages after the read position).
 * `isNew` is false when the message was already known (a duplicate delivery),
 * which must not count twice.
 */
export function roomsWithMessage(
  rooms: readonly Room[],
  message: Message,
  me: number | null,
  isNew: boolean,
): readonly Room[] {
  const room = rooms.find((r) => r.id === message.room);
  if (!room) return rooms;
  const prevSeq = room.last_message?.seq ?? 0;
  if (message.seq < prevSeq) return rooms;
  const unread = isNew && message.seq > prevSeq && countsAsUnread(message, me);
  const current = room.last_message;
  if (
    !unread &&
    current?.id === message.id &&
    current.body === message.body &&
    current.deleted === message.deleted &&
    current.edited_at === message.edited_at
  ) {
    return rooms;
  }
  const next: Room = {
    ...room,
    last_message: message,
    unread_count: room.unread_count + (unread ? 1 : 0),
  };
  return sortRooms(rooms.map((r) => (r.id === room.id ? next : r)));
}

/** Sets room `id`'s unread count; returns `rooms` itself when unchanged. */
export function withUnread(rooms: readonly Room[], id: number, unread: number): readonly Room[] {
  const room = rooms.find((r) => r.id === id);
  if (!room || room.unread_count === unread) return rooms;
  return rooms.map((r) => (r.id === id ? { ...r, unread_count: unread } : r));
}

/** Replaces the room's `last_message` if it is message `id` (edits and deletes of the preview). */
export function roomsWithEditedMessage(rooms: readonly Room[], message: Message): readonly Room[] {
  const room = rooms.find((r) => r.id === message.room);
  if (!room || room.last_message?.id !== message.id) return rooms;
  return rooms.map((r) => (r.id === room.id ? { ...r, last_message: message } : r));
}
