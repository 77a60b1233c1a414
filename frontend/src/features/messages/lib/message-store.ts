import { countsAsUnread } from '@/lib/unread';
import type { Message, User } from '@/types/api';

export { countsAsUnread };

/**
 * A message the user sent that the server has not confirmed yet.
 * `pending`: sent, waiting for `message.new` with the same `client_id`;
 * `failed`: refused (error frame with this client_id) or the socket was down;
 * it can be re-sent with the SAME client_id, which the server never stores twice.
 */
export interface PendingMessage {
  client_id: string;
  room: number;
  body: string;
  author: User | null;
  created_at: string;
  state: 'pending' | 'failed';
  /** Why it failed, readable. */
  error: string | null;
  /** The id of the message it answers, kept for a retry. */
  reply_to?: number | null;
  /**
   * Files it carries: such a send goes by REST (multipart), not the socket,
   * and lives in memory only, since a File cannot be stored (lib/outbox
   * leaves it out): a reload loses it.
   */
  files?: readonly File[];
}

/**
 * The cached history of one room.
 * `items`: confirmed messages, unique by id, ascending seq.
 * `pending`: the user's unconfirmed sends, in sending order.
 * `hasOlder`: the server said older messages remain (`has_more` of the newest/`before` page).
 */
export interface RoomMessages {
  items: Message[];
  pending: PendingMessage[];
  hasOlder: boolean;
}

/** An empty history. */
export function emptyRoomMessages(): RoomMessages {
  return { items: [], pending: [], hasOlder: false };
}

/**
 * Which of two copies of the same message (same id) is newer: a deleted copy
 * wins, then the later `edited_at` (null is oldest); on a tie the incoming one.
 */
function newerCopy(existing: Message, incoming: Message): Message {
  if (existing.deleted !== incoming.deleted) return existing.deleted ? existing : incoming;
  const a = existing.edited_at ? Date.parse(existing.edited_at) : -Infinity;
  const b = incoming.edited_at ? Date.parse(incoming.edited_at) : -Infinity;
  return a > b ? existing : incoming;
}

/**
 * Merges `incoming` into `store.items`: deduplicated by id (the newer copy is
 * kept, see newerCopy), sorted by seq. Pending sends whose client_id now has a
 * confirmed message are dropped (confirmed). Returns `store` itself when nothing
 * changed, so callers can skip cache writes.
 */
export function mergeMessages(store: RoomMessages, incoming: readonly Message[]): RoomMessages {
  if (incoming.length === 0) return store;
  const byId = new Map<number, Message>();
  for (const m of store.items) byId.set(m.id, m);
  let changed = false;
  for (const m of incoming) {
    const existing = byId.get(m.id);
    if (!existing) {
      byId.set(m.id, m);
      changed = true;
    } else {
      const keep = newerCopy(existing, m);
      if (keep !== existing && !sameMessage(existing, keep)) {
        byId.set(m.id, keep);
        changed = true;
      }
    }
  }
  const confirmedIds = new Set(incoming.map((m) => m.client_id).filter((id): id is string => id !== null));
  const pending = store.pending.filter((p) => !confirmedIds.has(p.client_id));
  if (!changed && pending.length === store.pending.length) return store;
  const items = changed ? [...byId.values()].sort((a, b) => a.seq - b.seq || a.id - b.id) : store.items;
  return { ...store, items, pending: pending.length === store.pending.length ? store.pending : pending };
}

function sameMessage(a: Message, b: Message): boolean {
  return (
    a.body === b.body &&
    a.edited_at === b.edited_at &&
    a.deleted === b.deleted &&
    a.seq === b.seq &&
    JSON.stringify(a.reactions ?? []) === JSON.stringify(b.reactions ?? [])
  );
}

/** Marks message `id` deleted (`deleted: true`, `body: ""`, no attachments, contract "Message"); unknown ids change nothing. */
export function markDeleted(store: RoomMessages, id: number): RoomMessages {
  const index = store.items.findIndex((m) => m.id === id);
  const target = index >= 0 ? store.items[index] : undefined;
  if (!target || target.deleted) return store;
  const items = store.items.slice();
  items[index] = { ...target, deleted: true, body: '', attachments: [] };
  return { ...store, items };
}

/** Replaces a known message by id (e.g. `message.updated`); unknown ids change nothing. */
export function replaceMessage(store: RoomMessages, message: Message): RoomMessages {
  if (!store.items.some((m) => m.id === message.id)) return store;
  return mergeMessages(store, [message]);
}

/** Adds a new pending send (state `pending`, or `failed` with `error` when it could not be sent). */
export function addPending(store: RoomMessages, pending: PendingMessage): RoomMessages {
  if (store.pending.some((p) => p.client_id === pending.client_id)) return store;
  return { ...store, pending: [...store.pending, pending] };
}

/** Sets the state of the pending send `clientId`; unknown ids change nothing. */
export function setPendingState(
  store: RoomMessages,
  clientId: string,
  state: PendingMessage['state'],
  error: string | null = null,
): RoomMessages {
  const index = store.pending.findIndex((p) => p.client_id === clientId);
  const target = index >= 0 ? store.pending[index] : undefined;
  if (!target || (target.state === state && target.error === error)) return store;
  const pending = store.pending.slice();
  pending[index] = { ...target, state, error };
  return { ...store, pending };
}

/** Drops the pending send `clientId` (the user discarded it). */
export function removePending(store: RoomMessages, clientId: string): RoomMessages {
  const pending = store.pending.filter((p) => p.client_id !== clientId);
  return pending.length === store.pending.length ? store : { ...store, pending };
}

/** The highest seq held, or 0 when empty. */
export function lastSeq(store: RoomMessages): number {
  const last = store.items[store.items.length - 1];
  return last ? last.seq : 0;
}

/** The lowest seq held, or null when empty (the `before=` cursor for older pages). */
export function firstSeq(store: RoomMessages): number | null {
  return store.items[0]?.seq ?? null;
}

/**
 * The end of the gap-free run that starts at the oldest held message: the
 * `after=` cursor that catches up without skipping a hole (seq has no gaps on
 * the server, so a hole means missed messages). 0 when empty.
 */
export function contiguousEnd(store: RoomMessages): number {
  const items = store.items;
  if (items.length === 0) return 0;
  let end = items[0]!.seq;
  for (let i = 1; i < items.length; i += 1) {
    const seq = items[i]!.seq;
    if (seq !== end + 1) break;
    end = seq;
  }
  return end;
}

/**
 * True when the store, with `message` added, would have a hole before it:
 * `message.seq` is beyond `contiguousEnd + 1` of a non-empty store (contract:
 * "A client that sees seq jump knows it missed messages"). Measured from the
 * gap-free run, so a hole left by an earlier failed fill is noticed again.
 */
export function isSeqGap(store: RoomMessages, message: Message): boolean {
  return store.items.length > 0 && message.seq > contiguousEnd(store) + 1;
}

/**
 * The seq of the first unread message, found from the newest back: the
 * `unread`-th message counted as unread (countsAsUnread). Null when `unread` is 0 or the held messages are
 * fewer than that (load older ones first).
 */
export function firstUnreadSeq(items: readonly Message[], unread: number, me: number | null): number | null {
  if (unread <= 0) return null;
  let counted = 0;
  for (let i = items.length - 1; i >= 0; i -= 1) {
    const m = items[i]!;
    if (!countsAsUnread(m, me)) continue;
    counted += 1;
    if (counted === unread) return m.seq;
  }
  return null;
}
