import { clearTyping, addTyping, type TypingEntry } from '@/features/messages/lib/typing';
import {
  countsAsUnread,
  markDeleted,
  mergeMessages,
  replaceMessage,
  setPendingState,
  type RoomMessages,
} from '@/features/messages/lib/message-store';
import { memberAdded, memberRemoved, memberUpdated, type MemberSlices } from '@/features/rooms/lib/member-list';
import {
  removeRoom,
  roomsWithEditedMessage,
  roomsWithMessage,
  upsertRoom,
  withUnread,
} from '@/features/rooms/lib/room-list';
import { keepMyReactions, withReaction } from '@/features/messages/lib/reactions';
import type { Member, Room, ServerEvent } from '@/types/api';

/**
 * The client state that socket events change, one slice per cache entry:
 * `rooms` (my rooms, sorted by activity) and `publicRooms` are undefined until
 * loaded; `messages`, `members` and `typing` hold only the rooms that are
 * cached. Events never create a room's history: a history holds the newest
 * page first, so a lone live message must not stand in for it.
 */
export interface ChatState {
  rooms: readonly Room[] | undefined;
  publicRooms: readonly Room[] | undefined;
  messages: Readonly<Record<number, RoomMessages>>;
  members: Readonly<Record<number, readonly Member[]>>;
  typing: Readonly<Record<number, readonly TypingEntry[]>>;
}

/** What applyEvent needs besides the event: the time (epoch ms) and my user id. */
export interface EventContext {
  now: number;
  me: number | null;
}

/** Nothing loaded yet. */
export function emptyChatState(): ChatState {
  return { rooms: undefined, publicRooms: undefined, messages: {}, members: {}, typing: {} };
}

/** A readable sentence for an `error` frame (codes from the contract). */
export function describeSocketError(event: { code: string; detail?: string; retry_after_ms?: number }): string {
  switch (event.code) {
    case 'rate_limited': {
      const seconds = Math.max(1, Math.ceil((event.retry_after_ms ?? 1000) / 1000));
      return `You are sending too fast. Try again in ${seconds} s.`;
    }
    case 'invalid':
      return event.detail ? `Not sent: ${event.detail}` : 'Not sent: a message must have 1 to 4000 characters.';
    case 'forbidden':
      return event.detail
        ? `Not allowed: ${event.detail}`
        : 'Not allowed: you may not post here (muted, banned, or the room is locked).';
    case 'not_found':
      return 'That room no longer exists or you are not a member.';
    case 'bad_request':
      return event.detail ? `The server refused a request: ${event.detail}` : 'The server refused a request.';
    default:
      return event.detail || 'Something went wrong.';
  }
}

function withSlice<T>(record: Readonly<Record<number, T>>, key: number, value: T): Readonly<Record<number, T>> {
  return record[key] === value ? record : { ...record, [key]: value };
}

function withoutSlice<T>(record: Readonly<Record<number, T>>, key: number): Readonly<Record<number, T>> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}

/** Applies a membership change of room `roomId` to its member list and my room lists. */
function withMemberChange(state: ChatState, roomId: number, change: (slices: MemberSlices) => MemberSlices): ChatState {
  const before: MemberSlices = { members: state.members[roomId], rooms: state.rooms, publicRooms: state.publicRooms };
  const after = change(before);
  if (after === before) return state;
  const members = after.members ? withSlice(state.members, roomId, after.members) : state.members;
  return { ...state, members, rooms: after.rooms, publicRooms: after.publicRooms };
}

/**
 * Unread count after the read position moved to `seq`: 0 when `seq` reaches
 * the last message; otherwise counted from the cached history when it holds
 * every message after `seq` (others', not deleted); otherwise unchanged.
 */
function unreadAfterRead(room: Room, seq: number, store: RoomMessages | undefined, me: number | null): number {
  const last = room.last_message?.seq ?? 0;
  if (seq >= last) return 0;
  if (!store) return room.unread_count;
  const after = store.items.filter((m) => m.seq > seq);
  const complete = after.length === last - seq && after.every((m, i) => m.seq === seq + 1 + i);
  if (!complete) return room.unread_count;
  return after.filter((m) => countsAsUnread(m, me)).length;
}

/** The room list with a direct room's `peer_online` set from a `presence` frame of its other member. */
function peerPresence(
  rooms: readonly Room[] | undefined,
  roomId: number,
  userId: number,
  online: boolean,
  me: number | null,
): readonly Room[] | undefined {
  if (!rooms || userId === me) return rooms;
  const index = rooms.findIndex((r) => r.id === roomId);
  const room = rooms[index];
  if (!room || room.kind !== 'direct' || room.peer_online === online) return rooms;
  const next = rooms.slice();
  next[index] = { ...room, peer_online: online };
  return next;
}

/** The frames that change a room's cached history. */
export type HistoryEvent = Extract<
  ServerEvent,
  { type: 'message.new' | 'message.updated' | 'message.deleted' | 'reaction' }
>;

export function isHistoryEvent(event: ServerEvent): event is HistoryEvent {
  return (
    event.type === 'message.new' ||
    event.type === 'message.updated' ||
    event.type === 'message.deleted' ||
    event.type === 'reaction'
  );
}

/** The room whose history `event` changes. */
export function historyRoomOf(event: HistoryEvent): number {
  return event.type === 'message.new' || event.type === 'message.updated' ? event.message.room : event.room;
}

/** The history part of applyEvent for one message frame: `store` after it (itself when nothing changed). */
export function applyToHistory(store: RoomMessages, event: HistoryEvent, me: number | null): RoomMessages {
  switch (event.type) {
    case 'message.new':
      return mergeMessages(store, [event.message]);
    case 'message.updated': {
      const cached = store.items.find((m) => m.id === event.message.id);
      return replaceMessage(store, keepMyReactions(event.message, cached));
    }
    case 'message.deleted':
      return markDeleted(store, event.id);
    case 'reaction': {
      const cached = store.items.find((m) => m.id === event.message);
      if (!cached) return store;
      const reactions = withReaction(cached.reactions, event.emoji, event.count, event.user.id === me, event.added);
      return replaceMessage(store, { ...cached, reactions });
    }
  }
}

/**
 * The state after one server frame (contract "Server to client"). Pure:
 * unchanged slices keep their identity, and `state` itself comes back when
 * nothing changed.
 *
 * - `message.new`: merged into the room's cached history (dedup by id, sorted
 *   by seq; a pending send with the same client_id is confirmed); the room
 *   gets it as `last_message`, moves up, and counts one unread when it is new
 *   and someone else's; the author stops "typing".
 * - `message.updated` / `message.deleted`: the cached copy and the room's
 *   preview change; deleted ones keep their seq with `body: ""`.
 * - `typing` (others only) shows for TYPING_TTL_MS; `presence` sets a cached
 *   member's `online`, and a direct room's `peer_online` when it is the other member's.
 * - `room.added` / `room.updated` upsert (an update, and an add of a room
 *   already listed, keep my unread and role and the newer preview);
 *   `room.removed` drops the room and its cached history, members and typing.
 * - `member.added` / `member.updated` / `member.removed` (docs/protocol.md)
 *   change the room's cached member list and `member_count`, and my
 *   `my_role` when the member is me (see features/rooms/lib/member-list).
 * - `read` recomputes the room's unread count (see unreadAfterRead), and clears
 *   its mention count when read to the newest message.
 * - `starred` sets the room's `starred` (the sidebar moves it to or from Starred).
 * - `reaction` sets the emoji's count on the cached message (`me` only when
 *   the actor is me); `mention` counts one more unread mention for the room.
 * - `error` with a client_id marks that send failed with a readable reason.
 * - `hello`, `pong`: no state change.
 */
export function applyEvent(state: ChatState, event: ServerEvent, ctx: EventContext): ChatState {
  switch (event.type) {
    case 'message.new': {
      const message = event.message;
      const store = state.messages[message.room];
      const isNew = store ? !store.items.some((m) => m.id === message.id) : true;
      const messages = store
        ? withSlice(state.messages, message.room, applyToHistory(store, event, ctx.me))
        : state.messages;
      const rooms = state.rooms ? roomsWithMessage(state.rooms, message, ctx.me, isNew) : state.rooms;
      const typingList = state.typing[message.room];
      const typing = typingList
        ? withSlice(state.typing, message.room, clearTyping(typingList, message.author.id))
        : state.typing;
      if (messages === state.messages && rooms === state.rooms && typing === state.typing) return state;
      return { ...state, messages, rooms, typing };
    }
    case 'message.updated': {
      const cached = state.messages[event.message.room]?.items.find((m) => m.id === event.message.id);
      const message = keepMyReactions(event.message, cached);
      const store = state.messages[message.room];
      const messages = store
        ? withSlice(state.messages, message.room, applyToHistory(store, event, ctx.me))
        : state.messages;
      const rooms = state.rooms ? roomsWithEditedMessage(state.rooms, message) : state.rooms;
      if (messages === state.messages && rooms === state.rooms) return state;
      return { ...state, messages, rooms };
    }
    case 'message.deleted': {
      const store = state.messages[event.room];
      const messages = store
        ? withSlice(state.messages, event.room, applyToHistory(store, event, ctx.me))
        : state.messages;
      let rooms = state.rooms;
      const room = rooms?.find((r) => r.id === event.room);
      if (rooms && room?.last_message?.id === event.id && !room.last_message.deleted) {
        rooms = roomsWithEditedMessage(rooms, { ...room.last_message, deleted: true, body: '', attachments: [] });
      }
      if (messages === state.messages && rooms === state.rooms) return state;
      return { ...state, messages, rooms };
    }
    case 'typing': {
      if (event.user.id === ctx.me) return state;
      const list = state.typing[event.room] ?? [];
      return { ...state, typing: withSlice(state.typing, event.room, addTyping(list, event.user, ctx.now)) };
    }
    case 'presence': {
      const rooms = peerPresence(state.rooms, event.room, event.user.id, event.online, ctx.me);
      const members = state.members[event.room];
      const index = members ? members.findIndex((m) => m.user.id === event.user.id) : -1;
      const member = members?.[index];
      if (!members || !member || member.online === event.online) {
        return rooms === state.rooms ? state : { ...state, rooms };
      }
      const next = members.slice();
      next[index] = { ...member, online: event.online };
      return { ...state, rooms, members: withSlice(state.members, event.room, next) };
    }
    case 'room.added': {
      const room = event.room;
      // Already in my list (my own REST answer came first): keep its unread count and newer preview.
      const known = state.rooms?.some((r) => r.id === room.id) ?? false;
      const rooms = state.rooms ? upsertRoom(state.rooms, room, known) : state.rooms;
      const publicRooms = state.publicRooms?.map((r) =>
        r.id === room.id ? { ...r, my_role: room.my_role ?? 'member', member_count: room.member_count } : r,
      );
      return { ...state, rooms, publicRooms };
    }
    case 'room.updated': {
      const room = event.room;
      const known = state.rooms?.some((r) => r.id === room.id);
      const rooms = state.rooms && known ? upsertRoom(state.rooms, room, true) : state.rooms;
      const publicRooms = state.publicRooms?.map((r) =>
        r.id === room.id ? { ...r, name: room.name, topic: room.topic, is_locked: room.is_locked } : r,
      );
      return { ...state, rooms, publicRooms };
    }
    case 'room.removed': {
      const id = event.room;
      const rooms = state.rooms ? removeRoom(state.rooms, id) : state.rooms;
      const inPublic = state.publicRooms?.some((r) => r.id === id && r.my_role !== null);
      const publicRooms = inPublic
        ? state.publicRooms?.map((r) => (r.id === id ? { ...r, my_role: null } : r))
        : state.publicRooms;
      const messages = withoutSlice(state.messages, id);
      const members = withoutSlice(state.members, id);
      const typing = withoutSlice(state.typing, id);
      if (
        rooms === state.rooms &&
        publicRooms === state.publicRooms &&
        messages === state.messages &&
        members === state.members &&
        typing === state.typing
      ) {
        return state;
      }
      return { ...state, rooms, publicRooms, messages, members, typing };
    }
    case 'member.added':
      return withMemberChange(state, event.room, (s) => memberAdded(s, event.room, event.member, ctx.me));
    case 'member.updated':
      return withMemberChange(state, event.room, (s) => memberUpdated(s, event.room, event.member, ctx.me));
    case 'member.removed':
      return withMemberChange(state, event.room, (s) => memberRemoved(s, event.room, event.user.id));
    case 'read': {
      const room = state.rooms?.find((r) => r.id === event.room);
      if (!state.rooms || !room) return state;
      const unread = unreadAfterRead(room, event.seq, state.messages[event.room], ctx.me);
      let rooms = withUnread(state.rooms, event.room, unread);
      // Read to the newest message: no mention is left unread.
      if (event.seq >= (room.last_message?.seq ?? 0) && room.mention_count) {
        rooms = rooms.map((r) => (r.id === event.room ? { ...r, mention_count: 0 } : r));
      }
      return rooms === state.rooms ? state : { ...state, rooms };
    }
    case 'starred': {
      const room = state.rooms?.find((r) => r.id === event.room);
      if (!state.rooms || !room || (room.starred ?? false) === event.starred) return state;
      const rooms = state.rooms.map((r) => (r.id === event.room ? { ...r, starred: event.starred } : r));
      return { ...state, rooms };
    }
    case 'reaction': {
      const store = state.messages[event.room];
      if (!store) return state;
      const next = applyToHistory(store, event, ctx.me);
      if (next === store) return state;
      return { ...state, messages: withSlice(state.messages, event.room, next) };
    }
    case 'mention': {
      const room = state.rooms?.find((r) => r.id === event.room);
      if (!state.rooms || !room) return state;
      const rooms = state.rooms.map((r) =>
        r.id === event.room ? { ...r, mention_count: (r.mention_count ?? 0) + 1 } : r,
      );
      return { ...state, rooms };
    }
    case 'error': {
      const clientId = event.client_id;
      if (!clientId) return state;
      for (const [key, store] of Object.entries(state.messages)) {
        if (store.pending.some((p) => p.client_id === clientId)) {
          const next = setPendingState(store, clientId, 'failed', describeSocketError(event));
          return { ...state, messages: withSlice(state.messages, Number(key), next) };
        }
      }
      return state;
    }
    case 'hello':
    case 'pong':
      return state;
    default:
      return state;
  }
}
