/**
 * Shapes of the public contract (docs/contract.md): REST objects and the
 * WebSocket frames of `/ws/chat/`. The server may add fields; these are the
 * ones the client relies on.
 */

/** `{"id", "username"}` (contract "Objects"). */
export interface User {
  id: number;
  username: string;
}

/** `GET /api/auth/user/` answer: `pk` is the user's id. */
export interface AuthUser {
  pk: number;
  username: string;
  email?: string;
}

export type RoomKind = 'public' | 'private' | 'direct';
export type RoomRole = 'owner' | 'moderator' | 'member';

export type SystemEvent = 'joined' | 'added' | 'left' | 'removed';

/** A message; `seq` is 1, 2, 3, ... per room with no gaps; deleted ones keep their seq with `body: ""`. */
export interface Message {
  id: number;
  room: number;
  seq: number;
  author: User;
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  client_id: string | null;
  /**
   * A system message: what the server tells of its author in a room with
   * `membership_notices` on; null (older servers: absent) for what a user wrote.
   * Never unread.
   */
  system?: SystemEvent | null;
  /** The message this one answers, or null (older servers: absent). */
  reply_to?: ReplyTo | null;
  /** Ids of the members named with @username. */
  mentions?: number[];
  /** `@room`: every member but the author is mentioned. */
  mentions_room?: boolean;
  /** One entry per emoji; `me` is mine in REST answers, false in socket frames. */
  reactions?: Reaction[];
  /** Files sent with it; `[]` when none or deleted (older servers: absent). */
  attachments?: Attachment[];
}

/**
 * A file of a message. `url` and `thumbnail_url` need the token header like
 * every API call, so they are fetched, never put in an `<img src>`. Images
 * (png, jpeg, gif, webp) have `width`/`height` and a WebP thumbnail at most
 * 320 px a side; other files have nulls.
 */
export interface Attachment {
  id: number;
  name: string;
  /** Bytes. */
  size: number;
  content_type: string;
  url: string;
  width: number | null;
  height: number | null;
  thumbnail_url: string | null;
}

/** `GET /api/limits/`: what the server accepts (bytes, except `body_max` in characters). */
export interface Limits {
  body_max: number;
  upload_max_bytes: number;
  upload_max_files: number;
  upload_max_request_bytes: number;
}

/** The quoted message of a reply; a deleted one reads "deleted message". */
export interface ReplyTo {
  id: number;
  seq: number;
  author: User;
  excerpt: string;
  deleted: boolean;
}

/** One emoji on a message. */
export interface Reaction {
  emoji: string;
  count: number;
  me: boolean;
}

export type NotificationLevel = 'all' | 'mentions' | 'muted';

/** A room as seen by the caller; for `direct` rooms `name` is the other member's username. */
export interface Room {
  id: number;
  kind: RoomKind;
  name: string;
  topic: string;
  created_at: string;
  member_count: number;
  is_locked: boolean;
  my_role: RoomRole | null;
  unread_count: number;
  last_message: Message | null;
  /** Unread messages that mention me (by name or @room). */
  mention_count?: number;
  /** My notification level; null when I am not a member. */
  notification_level?: NotificationLevel | null;
  /** Whether plain members may write @room. */
  allow_room_mentions?: boolean;
  /** Whether the timeline tells of members joining and leaving (system messages). */
  membership_notices?: boolean;
  /** Whether I starred the room (kept on the server, so on all my devices); false when not a member. */
  starred?: boolean;
  /** A direct room: whether the other member is online (kept current by `presence`); null for other rooms. */
  peer_online?: boolean | null;
}

/** One entry of `GET /api/rooms/{id}/members/`. */
export interface Member {
  user: User;
  role: RoomRole;
  joined_at: string;
  muted: boolean;
  online: boolean;
}

/** One entry of `GET /api/rooms/{id}/bans/` (contract "Moderation"). */
export interface Ban {
  user: User;
  reason: string;
  banned_by: User | null;
  created_at: string;
}

/** DRF page: `{"count", "next", "previous", "results"}`. */
export interface Paginated<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

/** `GET /api/rooms/{id}/messages/` answer: ascending seq; `has_more` is in the cursor's direction. */
export interface MessagePage {
  results: Message[];
  has_more: boolean;
}

/** `POST /api/auth/ws-ticket/` answer (201). */
export interface WsTicket {
  ticket: string;
  expires_in: number;
}

/** Error codes of the `error` frame. */
export type WsErrorCode = 'bad_request' | 'invalid' | 'forbidden' | 'not_found' | 'rate_limited';

/**
 * Frames the server sends (contract "Server to client", plus `hello`, `pong`
 * and the `member.*` events of docs/protocol.md).
 */
export type ServerEvent =
  | { type: 'hello'; user: User; rooms: number[] }
  | { type: 'pong' }
  | { type: 'message.new'; message: Message }
  | { type: 'message.updated'; message: Message }
  | { type: 'message.deleted'; room: number; id: number; seq: number }
  | { type: 'typing'; room: number; user: User }
  | { type: 'presence'; room: number; user: User; online: boolean }
  | { type: 'room.added'; room: Room }
  | { type: 'room.removed'; room: number; cause?: string; reason?: string }
  | { type: 'room.updated'; room: Room }
  | { type: 'member.added'; room: number; member: Member }
  | { type: 'member.updated'; room: number; member: Member }
  | { type: 'member.removed'; room: number; user: User }
  | { type: 'read'; room: number; seq: number }
  | { type: 'starred'; room: number; starred: boolean }
  | { type: 'mention'; room: number; message: Message; everyone: boolean }
  | {
      type: 'reaction';
      room: number;
      message: number;
      seq: number;
      emoji: string;
      count: number;
      user: User;
      added: boolean;
    }
  | {
      type: 'error';
      code: WsErrorCode | string;
      detail: string;
      client_id?: string;
      retry_after_ms?: number;
    };

/** Frames the client sends (contract "Client to server"). */
export type ClientFrame =
  | { type: 'message.send'; room: number; body: string; client_id: string; reply_to?: number | null }
  | { type: 'reaction.add'; message: number; emoji: string }
  | { type: 'reaction.remove'; message: number; emoji: string }
  | { type: 'typing'; room: number }
  | { type: 'read'; room: number; seq: number }
  | { type: 'starred'; room: number; starred: boolean }
  | { type: 'ping' };

/** The longest body the server accepts, counted after stripping white space. */
export const MAX_BODY_LENGTH = 4000;
