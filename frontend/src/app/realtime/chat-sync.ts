import type { QueryClient } from '@tanstack/react-query';
import { getMessagesAfter, messagesQueryKey } from '@/features/messages/api/get-messages';
import { postRead } from '@/features/messages/api/mark-read';
import { sendWithFiles, type FilesSend } from '@/features/messages/api/send-with-files';
import { loadOutbox, saveOutbox } from '@/features/messages/lib/outbox';
import {
  addPending,
  contiguousEnd,
  isSeqGap,
  type PendingMessage,
  removePending,
  setPendingState,
  type RoomMessages,
} from '@/features/messages/lib/message-store';
import { noticeFor } from '@/features/messages/lib/notify';
import { typingQueryKey, type TypingEntry } from '@/features/messages/lib/typing';
import { publicRoomsQueryKey } from '@/features/rooms/api/get-public-rooms';
import { roomsQueryKey } from '@/features/rooms/api/get-rooms';
import { membersQueryKey } from '@/features/rooms/api/get-members';
import { describeRoomExit, roomExitOf, roomExitQueryKey } from '@/features/rooms/lib/room-exit';
import { ApiError, errorMessage } from '@/lib/api-client';
import { newClientId } from '@/lib/client-id';
import { formatSize } from '@/lib/format';
import type { RealtimeApi } from '@/lib/realtime';
import { WsClient, type ConnectionStatus, type WsClientOptions } from '@/lib/ws-client';
import type { Member, Message, Room, ServerEvent, User } from '@/types/api';
import {
  applyEvent,
  applyToHistory,
  describeSocketError,
  historyRoomOf,
  isHistoryEvent,
  type ChatState,
  type EventContext,
  type HistoryEvent,
} from './apply-event';

/** Minimum time between two `typing` frames for one room (ms). */
export const TYPING_THROTTLE_MS = 2000;

/** Silence (ms) after which the socket pings, and how long it waits for any frame after that. */
export const PING_INTERVAL_MS = 2000;
export const PONG_TIMEOUT_MS = 3000;

/** Most message frames held for one room while its first page loads; past it they are fetched by seq instead. */
export const BACKLOG_LIMIT = 300;

/**
 * What happened to a room while its history query had no data: the message
 * frames it missed (replayed onto the page once it lands), and whether the
 * page may still lack messages no held frame covers (a `hello` came, or the
 * frames overflowed), so the room catches up by seq after landing.
 */
interface Backlog {
  events: HistoryEvent[];
  catchUp: boolean;
}

export interface ChatSyncOptions {
  queryClient: QueryClient;
  /** `POST /api/auth/ws-ticket/` → ticket. */
  getTicket: () => Promise<string>;
  /** Every message with seq > after (following has_more); defaults to the REST call. */
  fetchAfter?: (roomId: number, after: number) => Promise<Message[]>;
  /** REST read position, used when the socket is down. */
  postRead?: (roomId: number, seq: number) => Promise<void>;
  /** A send with files (multipart POST); defaults to the REST call. */
  postFiles?: (roomId: number, send: FilesSend, signal: AbortSignal) => Promise<Message>;
  /** Shows a notice to the user (errors that belong to no message). */
  notify?: (text: string) => void;
  now?: () => number;
  newClientId?: () => string;
  /** Socket options (tests pass a fake socket, a fixed random, timings). */
  socket?: Partial<Omit<WsClientOptions, 'getTicket' | 'onEvent' | 'onStatus'>>;
}

const ROOT_MESSAGES = ['messages'] as const;
const ROOT_MEMBERS = ['members'] as const;
const ROOT_TYPING = ['typing'] as const;

function keyedSlices<T>(queryClient: QueryClient, root: readonly unknown[]): Record<number, T> {
  const out: Record<number, T> = {};
  for (const [key, data] of queryClient.getQueriesData<T>({ queryKey: root })) {
    const id = key[1];
    if (typeof id === 'number' && data !== undefined) out[id] = data;
  }
  return out;
}

/** Snapshot of the cache entries that socket events change. */
export function readChatState(queryClient: QueryClient): ChatState {
  return {
    rooms: queryClient.getQueryData<Room[]>(roomsQueryKey),
    publicRooms: queryClient.getQueryData<Room[]>(publicRoomsQueryKey),
    messages: keyedSlices<RoomMessages>(queryClient, ROOT_MESSAGES),
    members: keyedSlices<Member[]>(queryClient, ROOT_MEMBERS),
    typing: keyedSlices<TypingEntry[]>(queryClient, ROOT_TYPING),
  };
}

function writeSlices<T>(
  queryClient: QueryClient,
  prev: Readonly<Record<number, T>>,
  next: Readonly<Record<number, T>>,
  key: (id: number) => readonly unknown[],
): void {
  if (prev === next) return;
  for (const id of Object.keys(prev).map(Number)) {
    if (!(id in next)) queryClient.removeQueries({ queryKey: key(id), exact: true });
  }
  for (const [id, value] of Object.entries(next)) {
    if (prev[Number(id)] !== value) queryClient.setQueryData(key(Number(id)), value);
  }
}

/** Writes back the slices of `next` that differ (by identity) from `prev`. */
export function writeChatState(queryClient: QueryClient, prev: ChatState, next: ChatState): void {
  if (prev === next) return;
  if (next.rooms !== prev.rooms && next.rooms) queryClient.setQueryData(roomsQueryKey, next.rooms);
  if (next.publicRooms !== prev.publicRooms && next.publicRooms) {
    queryClient.setQueryData(publicRoomsQueryKey, next.publicRooms);
  }
  writeSlices(queryClient, prev.messages, next.messages, messagesQueryKey);
  writeSlices(queryClient, prev.members, next.members, membersQueryKey);
  writeSlices(queryClient, prev.typing, next.typing, typingQueryKey);
}

/** Runs one event through applyEvent on the cache: reads the slices, writes back what changed. */
export function applyToCache(queryClient: QueryClient, event: ServerEvent, ctx: EventContext): void {
  const prev = readChatState(queryClient);
  writeChatState(queryClient, prev, applyEvent(prev, event, ctx));
}

/**
 * `RealtimeApi.applyLocal`: my own REST answer, as the event it stands for.
 * A `member.*` event applies only while the room's member list is cached:
 * without the list a count change cannot tell it was already applied, so the
 * server's event alone brings it.
 */
export function applyLocalEvent(queryClient: QueryClient, event: ServerEvent, ctx: EventContext): void {
  const memberEvent =
    event.type === 'member.added' || event.type === 'member.updated' || event.type === 'member.removed';
  if (memberEvent && queryClient.getQueryData(membersQueryKey(event.room)) === undefined) return;
  applyToCache(queryClient, event, ctx);
}

/** Why an upload was not stored, readable: a 413 says the limit it passed. */
export function uploadErrorText(error: unknown): string {
  if (error instanceof ApiError && error.status === 413) {
    const body = error.body as { limit?: unknown } | null;
    const limit = body && typeof body === 'object' && typeof body.limit === 'number' ? body.limit : null;
    return limit === null
      ? 'Not sent: the files are too large for the server.'
      : `Not sent: too large (the limit is ${formatSize(limit)}).`;
  }
  return errorMessage(error);
}

/**
 * Owns the app's WebSocket and keeps the query cache in step with it
 * (STYLE: one module owns the socket; events go through the pure applyEvent).
 *
 * On every (re)connect — after `hello`, so the socket already receives the
 * rooms' events — it fetches `?after=` the end of each cached history (following
 * has_more) and refetches the room list and member lists, so nothing sent
 * while it was down is missed. A `message.new` whose seq leaves a hole
 * triggers the same fetch for its room. Message frames for a room whose first
 * page is still loading (or failed) are held and replayed onto that page when
 * it lands, since it may have been read before they were committed. Sends are shown at once as pending and
 * confirmed by the `message.new` carrying their client_id. A send made while
 * the socket is down, or not confirmed before it dropped, stays pending and is
 * re-sent with the same client_id after the next `hello` (the server stores a
 * client_id once); only a refusal (an `error` frame) marks it failed, and a
 * retry re-sends the same client_id. Unconfirmed sends are kept in the
 * browser's storage (lib/outbox), so a reload shows and re-sends them too.
 *
 * A send with files goes by REST (multipart) instead: pending while its
 * request runs, confirmed by the answer (applied as the `message.new` it
 * stands for; the socket's copy then changes nothing), failed with the
 * reason on any error, and retried with the same client_id. It is kept in
 * memory only (a File cannot be stored), so a reload loses it.
 */
export class ChatSync implements RealtimeApi {
  private readonly queryClient: QueryClient;
  private readonly client: WsClient;
  private readonly fetchAfter: (roomId: number, after: number) => Promise<Message[]>;
  private readonly postRead: (roomId: number, seq: number) => Promise<void>;
  private readonly postFiles: (roomId: number, send: FilesSend, signal: AbortSignal) => Promise<Message>;
  /** Uploads in flight, by client_id. */
  private readonly uploads = new Map<string, AbortController>();
  private readonly notify: (text: string) => void;
  private readonly now: () => number;
  private readonly makeClientId: () => string;
  private readonly statusListeners = new Set<() => void>();
  private readonly catchUps = new Map<number, 'running' | 'again'>();
  private readonly lastTyping = new Map<number, number>();
  private readonly lastRead = new Map<number, number>();
  /** Rooms whose history query exists without data (see Backlog). */
  private readonly backlogs = new Map<number, Backlog>();
  private unsubscribeCache: (() => void) | null = null;
  /** My unconfirmed sends as last saved, including rooms whose history is not cached. */
  private outbox: PendingMessage[] = [];
  private me: User | null = null;
  private status: ConnectionStatus = 'stopped';

  constructor(options: ChatSyncOptions) {
    this.queryClient = options.queryClient;
    this.fetchAfter = options.fetchAfter ?? ((roomId, after) => getMessagesAfter(roomId, after));
    this.postRead = options.postRead ?? postRead;
    this.postFiles = options.postFiles ?? sendWithFiles;
    this.notify = options.notify ?? (() => undefined);
    this.now = options.now ?? Date.now;
    this.makeClientId = options.newClientId ?? newClientId;
    this.client = new WsClient({
      pingIntervalMs: PING_INTERVAL_MS,
      pongTimeoutMs: PONG_TIMEOUT_MS,
      ...options.socket,
      getTicket: options.getTicket,
      onEvent: (event) => this.handleEvent(event),
      onStatus: (status) => this.handleStatus(status),
    });
  }

  /** Connects (and keeps reconnecting until stop()). */
  start(): void {
    this.unsubscribeCache ??= this.queryClient.getQueryCache().subscribe((event) => {
      const [root, roomId] = event.query.queryKey;
      if (root !== ROOT_MESSAGES[0] || typeof roomId !== 'number') return;
      if (event.type === 'removed') this.backlogs.delete(roomId);
      if (event.type !== 'updated') return;
      // An error keeps the backlog for the retry's page.
      if (event.action.type === 'success') {
        this.replayBacklog(roomId);
        this.restoreOutbox(roomId);
      }
      this.saveOutbox();
    });
    this.client.start();
  }

  /** Disconnects for good (logout, unmount). */
  stop(): void {
    this.client.stop();
    this.unsubscribeCache?.();
    this.unsubscribeCache = null;
    this.backlogs.clear();
    for (const upload of this.uploads.values()) upload.abort();
    this.uploads.clear();
  }

  /** Connects now if waiting out a backoff (the browser came back online). */
  reconnectNow(): void {
    this.client.reconnectNow();
  }

  /** The browser went offline: drop the socket now instead of waiting for the ping to go unanswered. */
  goOffline(): void {
    this.client.drop();
  }

  /**
   * Who I am (from `GET /api/auth/user/` or `hello`): authors my pending
   * sends, filters my own typing; the first time, loads my saved sends.
   */
  setMe(user: User): void {
    const first = this.me?.id !== user.id;
    this.me = user;
    if (!first) return;
    this.outbox = loadOutbox(user.id);
    for (const roomId of new Set(this.outbox.map((p) => p.room))) this.restoreOutbox(roomId);
  }

  getStatus = (): ConnectionStatus => this.status;

  subscribeStatus = (listener: () => void): (() => void) => {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  };

  /** Applies one server frame to the cache (also the entry point tests drive). */
  handleEvent(event: ServerEvent): void {
    if (event.type === 'hello') {
      this.me = event.user;
      this.onConnected(event.rooms);
      return;
    }
    if (isHistoryEvent(event)) this.holdForHistory(event);
    if (event.type === 'message.new') {
      const confirmed = event.message.client_id;
      if (confirmed && this.outbox.some((p) => p.client_id === confirmed)) {
        this.outbox = this.outbox.filter((p) => p.client_id !== confirmed);
        this.saveOutbox();
      }
      const store = this.queryClient.getQueryData<RoomMessages>(messagesQueryKey(event.message.room));
      const gap = store !== undefined && isSeqGap(store, event.message);
      this.showDesktopNotice(event);
      this.apply(event);
      if (gap) void this.catchUp(event.message.room);
      return;
    }
    if (event.type === 'room.removed') {
      this.backlogs.delete(event.room);
      // Said before the room leaves the list, so its page shows why rather than a Join prompt.
      const exit = roomExitOf(event);
      this.queryClient.setQueryData(roomExitQueryKey(event.room), exit);
      const name = this.queryClient.getQueryData<Room[]>(roomsQueryKey)?.find((r) => r.id === event.room)?.name;
      const text = describeRoomExit(exit);
      if (text) this.notify(name ? `${text.replace('this room', `#${name}`)}` : text);
      this.apply(event);
      return;
    }
    if (event.type === 'error' && !event.client_id) {
      this.apply(event);
      this.notify(describeSocketError(event));
      return;
    }
    if (event.type === 'mention') this.showDesktopNotice(event);
    this.apply(event);
  }

  /** A desktop notification (Notification API) for a mention or a direct message, while the tab is hidden. */
  private showDesktopNotice(event: ServerEvent): void {
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    if (typeof document === 'undefined' || document.visibilityState !== 'hidden') return;
    const notice = noticeFor(event, this.queryClient.getQueryData<Room[]>(roomsQueryKey), this.me?.id ?? null);
    if (notice) new Notification(notice.title, { body: notice.body, tag: `room-${notice.room}` });
  }

  sendMessage = (roomId: number, body: string, replyTo: number | null = null): string | null => {
    const clientId = this.addOwnPending(roomId, body, replyTo);
    if (clientId === null) return null;
    // Not sent now (the socket is down): it stays pending and goes after the next hello.
    const frame = { type: 'message.send' as const, room: roomId, body, client_id: clientId };
    this.client.send(replyTo === null ? frame : { ...frame, reply_to: replyTo });
    return clientId;
  };

  sendFiles = (roomId: number, body: string, files: readonly File[], replyTo: number | null = null): string | null => {
    const clientId = this.addOwnPending(roomId, body, replyTo, files);
    if (clientId !== null) void this.upload(roomId, clientId);
    return clientId;
  };

  /** Shows a new send of mine as pending in `roomId`'s history; its client_id, or null when the history is not loaded. */
  private addOwnPending(roomId: number, body: string, replyTo: number | null, files?: readonly File[]): string | null {
    const key = messagesQueryKey(roomId);
    const store = this.queryClient.getQueryData<RoomMessages>(key);
    if (!store) return null;
    const clientId = this.makeClientId();
    this.queryClient.setQueryData<RoomMessages>(key, (current) =>
      addPending(current ?? store, {
        client_id: clientId,
        room: roomId,
        body,
        reply_to: replyTo,
        ...(files ? { files } : {}),
        author: this.me,
        created_at: new Date(this.now()).toISOString(),
        state: 'pending',
        error: null,
      }),
    );
    return clientId;
  }

  /** POSTs the pending send `clientId` with its files; its answer confirms it, any error marks it failed. */
  private async upload(roomId: number, clientId: string): Promise<void> {
    const key = messagesQueryKey(roomId);
    const pending = this.queryClient.getQueryData<RoomMessages>(key)?.pending.find((p) => p.client_id === clientId);
    if (!pending?.files || this.uploads.has(clientId)) return;
    const controller = new AbortController();
    this.uploads.set(clientId, controller);
    const send = { body: pending.body, clientId, replyTo: pending.reply_to ?? null, files: pending.files };
    try {
      const message = await this.postFiles(roomId, send, controller.signal);
      this.handleEvent({ type: 'message.new', message });
    } catch (error) {
      if (controller.signal.aborted) return;
      this.queryClient.setQueryData<RoomMessages>(key, (store) =>
        store ? setPendingState(store, clientId, 'failed', uploadErrorText(error)) : store,
      );
    } finally {
      if (this.uploads.get(clientId) === controller) this.uploads.delete(clientId);
    }
  }

  retryMessage = (roomId: number, clientId: string): void => {
    const key = messagesQueryKey(roomId);
    const pending = this.queryClient.getQueryData<RoomMessages>(key)?.pending.find((p) => p.client_id === clientId);
    if (!pending) return;
    if (pending.files) {
      this.queryClient.setQueryData<RoomMessages>(key, (store) =>
        store ? setPendingState(store, clientId, 'pending', null) : store,
      );
      void this.upload(roomId, clientId);
      return;
    }
    // Down: it waits as pending and goes after the next hello.
    const frame = { type: 'message.send' as const, room: roomId, body: pending.body, client_id: clientId };
    this.client.send(pending.reply_to ? { ...frame, reply_to: pending.reply_to } : frame);
    this.queryClient.setQueryData<RoomMessages>(key, (store) =>
      store ? setPendingState(store, clientId, 'pending', null) : store,
    );
  };

  /** Re-sends every failed send of `roomId` with its own client_id. */
  retryAll = (roomId: number): void => {
    const store = this.queryClient.getQueryData<RoomMessages>(messagesQueryKey(roomId));
    for (const p of store?.pending ?? []) if (p.state === 'failed') this.retryMessage(roomId, p.client_id);
  };

  /** Forgets every failed send of `roomId`. */
  discardAll = (roomId: number): void => {
    const store = this.queryClient.getQueryData<RoomMessages>(messagesQueryKey(roomId));
    for (const p of store?.pending ?? []) if (p.state === 'failed') this.discardMessage(roomId, p.client_id);
  };

  discardMessage = (roomId: number, clientId: string): void => {
    this.uploads.get(clientId)?.abort();
    this.uploads.delete(clientId);
    this.outbox = this.outbox.filter((p) => p.client_id !== clientId);
    this.queryClient.setQueryData<RoomMessages>(messagesQueryKey(roomId), (store) =>
      store ? removePending(store, clientId) : store,
    );
    this.saveOutbox();
  };

  notifyTyping = (roomId: number): void => {
    const now = this.now();
    const last = this.lastTyping.get(roomId);
    if (last !== undefined && now - last < TYPING_THROTTLE_MS) return;
    if (this.client.send({ type: 'typing', room: roomId })) this.lastTyping.set(roomId, now);
  };

  markRead = (roomId: number, seq: number): void => {
    const previous = this.lastRead.get(roomId) ?? 0;
    // The badge clears locally the same way a `read` event from another tab does.
    this.apply({ type: 'read', room: roomId, seq });
    if (seq <= previous) return;
    this.lastRead.set(roomId, seq);
    if (this.client.send({ type: 'read', room: roomId, seq })) return;
    this.postRead(roomId, seq).catch(() => {
      if (this.lastRead.get(roomId) === seq) this.lastRead.set(roomId, previous);
    });
  };

  applyLocal = (event: ServerEvent): void => {
    applyLocalEvent(this.queryClient, event, this.context());
  };

  private apply(event: ServerEvent): void {
    applyToCache(this.queryClient, event, this.context());
  }

  private context(): EventContext {
    return { now: this.now(), me: this.me?.id ?? null };
  }

  private handleStatus(status: ConnectionStatus): void {
    const wasOpen = this.status === 'open';
    this.status = status;
    if (wasOpen && status !== 'open') this.lastTyping.clear();
    for (const listener of [...this.statusListeners]) listener();
  }

  /** Every unconfirmed send: those of cached histories, then saved ones of rooms not cached. */
  private allPending(): PendingMessage[] {
    const histories = keyedSlices<RoomMessages>(this.queryClient, ROOT_MESSAGES);
    const cached = Object.values(histories).flatMap((store) => store.pending);
    return [...cached, ...this.outbox.filter((p) => !(p.room in histories))];
  }

  private saveOutbox(): void {
    if (!this.me) return;
    // Uploads cannot be stored (see lib/outbox); leaving them out here keeps `same` honest.
    const entries = this.allPending().filter((p) => !p.files);
    const same =
      entries.length === this.outbox.length &&
      entries.every((p, i) => p === this.outbox[i] || JSON.stringify(p) === JSON.stringify(this.outbox[i]));
    this.outbox = entries;
    if (!same) saveOutbox(this.me.id, entries);
  }

  /** The backlog of `roomId`, when its history query exists without data (a page loading, failed, or about to load). */
  private backlogOf(roomId: number): Backlog | undefined {
    const state = this.queryClient.getQueryState(messagesQueryKey(roomId));
    if (!state || state.data !== undefined) return undefined;
    let backlog = this.backlogs.get(roomId);
    if (!backlog) {
      backlog = { events: [], catchUp: false };
      this.backlogs.set(roomId, backlog);
    }
    return backlog;
  }

  /**
   * Keeps a message frame for a room whose first page has not landed: that
   * page may have been read before the frame's change was committed.
   */
  private holdForHistory(event: HistoryEvent): void {
    const backlog = this.backlogOf(historyRoomOf(event));
    if (!backlog) return;
    if (backlog.events.length >= BACKLOG_LIMIT) {
      // Too many to hold: the database has the messages, and the catch-up after landing fetches them by seq.
      backlog.events = [];
      backlog.catchUp = true;
    }
    backlog.events.push(event);
  }

  /** The page of `roomId` landed: replays its backlog onto it, and catches up when that leaves a hole. */
  private replayBacklog(roomId: number): void {
    const backlog = this.backlogs.get(roomId);
    const key = messagesQueryKey(roomId);
    const store = this.queryClient.getQueryData<RoomMessages>(key);
    if (!backlog || !store) return;
    // Deleted first: the write below lands here again.
    this.backlogs.delete(roomId);
    const me = this.me?.id ?? null;
    // A message the page holds was read after its creation: the page's copy (reactions and all) is the newer one.
    const held = new Set(store.items.map((m) => m.id));
    const events = backlog.events.filter((e) => e.type !== 'message.new' || !held.has(e.message.id));
    const next = events.reduce((s, event) => applyToHistory(s, event, me), store);
    if (next !== store) this.queryClient.setQueryData(key, next);
    const end = contiguousEnd(next);
    const beyond = events.some((e) => e.type === 'message.new' && e.message.seq > end);
    if (backlog.catchUp || beyond) void this.catchUp(roomId);
  }

  /** Shows the saved sends of `roomId` in its history, unless it already holds them. */
  private restoreOutbox(roomId: number): void {
    const key = messagesQueryKey(roomId);
    const store = this.queryClient.getQueryData<RoomMessages>(key);
    if (!store) return;
    const stored = new Set(store.items.map((m) => m.client_id));
    let next = store;
    for (const p of this.outbox) {
      if (p.room === roomId && !stored.has(p.client_id)) next = addPending(next, p);
    }
    if (next !== store) this.queryClient.setQueryData(key, next);
  }

  /** After a hello: every pending send goes (again) with its own client_id; the server stores each once. */
  private resendPending(): void {
    for (const p of this.allPending()) {
      // An upload is a REST request of its own, not a socket frame.
      if (p.state !== 'pending' || p.files) continue;
      this.client.send({ type: 'message.send', room: p.room, body: p.body, client_id: p.client_id });
    }
  }

  /** Runs once per accepted socket, after `hello` (the socket is subscribed to `roomIds`). */
  private onConnected(roomIds: readonly number[]): void {
    const subscribed = new Set(roomIds);
    const cached = Object.keys(keyedSlices<RoomMessages>(this.queryClient, ROOT_MESSAGES)).map(Number);
    for (const roomId of cached) {
      // Removed while we were away: its history is no longer ours to show.
      if (!subscribed.has(roomId)) this.apply({ type: 'room.removed', room: roomId });
      else void this.catchUp(roomId);
    }
    for (const roomId of subscribed) {
      // A page still loading may have been read before this socket was subscribed.
      const backlog = this.backlogOf(roomId);
      if (backlog) backlog.catchUp = true;
    }
    void this.queryClient.invalidateQueries({ queryKey: roomsQueryKey, exact: true });
    void this.queryClient.invalidateQueries({ queryKey: publicRoomsQueryKey, exact: true });
    void this.queryClient.invalidateQueries({ queryKey: ROOT_MEMBERS });
    this.lastRead.clear();
    this.resendPending();
  }

  /**
   * Fetches `?after=` the end of the room's gap-free history (following
   * has_more) and applies the results as `message.new`, so previews, unread
   * counts and pending sends update like live ones. One fetch per room at a
   * time; a request during a fetch runs once more after it.
   */
  async catchUp(roomId: number): Promise<void> {
    if (this.catchUps.has(roomId)) {
      this.catchUps.set(roomId, 'again');
      return;
    }
    this.catchUps.set(roomId, 'running');
    try {
      for (;;) {
        const store = this.queryClient.getQueryData<RoomMessages>(messagesQueryKey(roomId));
        if (!store) break;
        const messages = await this.fetchAfter(roomId, contiguousEnd(store));
        for (const message of messages) this.apply({ type: 'message.new', message });
        if (this.catchUps.get(roomId) !== 'again') break;
        this.catchUps.set(roomId, 'running');
      }
    } catch {
      // The next reconnect or seq jump tries again; the hole is still there to be seen.
    } finally {
      this.catchUps.delete(roomId);
    }
  }
}
