import { QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { messagesQueryKey } from '@/features/messages/api/get-messages';
import { emptyRoomMessages, mergeMessages, type RoomMessages } from '@/features/messages/lib/message-store';
import { roomsQueryKey } from '@/features/rooms/api/get-rooms';
import { membersQueryKey } from '@/features/rooms/api/get-members';
import { FakeSocket } from '@/test/fake-socket';
import { alice, bob, makeMember, makeMessage, makeRoom } from '@/test/factories';
import type { Message, Room } from '@/types/api';
import { BACKLOG_LIMIT, ChatSync } from './chat-sync';

/** Stubs fetch for the multipart POST; records each request's FormData. */
function stubUpload(answer: (call: number, clientId: string) => Response) {
  const forms: FormData[] = [];
  const fetchMock = vi.fn(async (_url: string, init?: RequestInit) => {
    const form = init!.body as FormData;
    forms.push(form);
    return answer(forms.length, String(form.get('client_id')));
  });
  vi.stubGlobal('fetch', fetchMock);
  return { fetchMock, forms };
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

const attachment = {
  id: 5,
  name: 'notes.txt',
  size: 5,
  content_type: 'text/plain',
  url: '/api/attachments/5/',
  width: null,
  height: null,
  thumbnail_url: null,
};

async function flush(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

/** A fake server history: every message per room, answered like `?after=`. */
function fakeServer() {
  const rooms = new Map<number, Message[]>();
  const calls: Array<[number, number]> = [];
  return {
    calls,
    add(...messages: Message[]) {
      for (const m of messages) rooms.set(m.room, [...(rooms.get(m.room) ?? []), m]);
    },
    fetchAfter: vi.fn(async (roomId: number, after: number) => {
      calls.push([roomId, after]);
      return (rooms.get(roomId) ?? []).filter((m) => m.seq > after);
    }),
  };
}

function seqsOf(queryClient: QueryClient, roomId: number): number[] {
  return queryClient.getQueryData<RoomMessages>(messagesQueryKey(roomId))!.items.map((m) => m.seq);
}

function setup() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const server = fakeServer();
  const postRead = vi.fn(async () => undefined);
  const notify = vi.fn();
  let n = 0;
  const sync = new ChatSync({
    queryClient,
    getTicket: async () => `ticket-${++n}`,
    fetchAfter: server.fetchAfter,
    postRead,
    notify,
    newClientId: () => `cid-${n}-${Math.random().toString(36).slice(2, 6)}`,
    socket: {
      createSocket: (url) => new FakeSocket(url),
      url: (t) => `ws://test/ws/chat/?ticket=${t}`,
      random: () => 0.5,
      backoff: { baseMs: 1000, capMs: 30_000 },
      pingIntervalMs: 0,
    },
  });
  sync.setMe(alice);
  return { queryClient, server, sync, postRead, notify };
}

function seedHistory(queryClient: QueryClient, roomId: number, seqs: number[]): void {
  queryClient.setQueryData<RoomMessages>(
    messagesQueryKey(roomId),
    mergeMessages(
      emptyRoomMessages(),
      seqs.map((s) => makeMessage(roomId, s)),
    ),
  );
}

/** Starts the sync and completes a handshake (open + hello for `rooms`). */
async function connect(sync: ChatSync, rooms: number[]): Promise<FakeSocket> {
  sync.start();
  await flush();
  const socket = FakeSocket.last;
  socket.open();
  socket.receive({ type: 'hello', user: alice, rooms });
  await flush();
  return socket;
}

beforeEach(() => {
  vi.useFakeTimers();
  FakeSocket.reset();
});

afterEach(() => {
  vi.useRealTimers();
  window.localStorage.clear();
});

describe('ChatSync: catch-up on (re)connect', () => {
  it('after hello, fetches ?after=LAST_SEQ for every room with cached messages, and nothing before', async () => {
    const { queryClient, server, sync } = setup();
    seedHistory(queryClient, 7, [1, 2, 3]);
    seedHistory(queryClient, 8, [10, 11]);
    server.add(...[1, 2, 3, 4, 5].map((s) => makeMessage(7, s)), ...[10, 11].map((s) => makeMessage(8, s)));

    sync.start();
    await flush();
    FakeSocket.last.open();
    await flush();
    // The socket is open but not yet subscribed (no hello): nothing is fetched yet.
    expect(server.calls).toEqual([]);

    FakeSocket.last.receive({ type: 'hello', user: alice, rooms: [7, 8, 9] });
    await flush();
    expect(server.calls.sort()).toEqual([
      [7, 3],
      [8, 11],
    ]);
    expect(seqsOf(queryClient, 7)).toEqual([1, 2, 3, 4, 5]);
    expect(seqsOf(queryClient, 8)).toEqual([10, 11]);
    sync.stop();
  });

  it('after a drop and reconnect, fetches from the new end and refetches rooms and members', async () => {
    const { queryClient, server, sync } = setup();
    seedHistory(queryClient, 7, [1, 2]);
    // The sidebar and the members panel watch these while the app runs.
    const roomsFn = vi.fn(async () => [makeRoom(7)]);
    const membersFn = vi.fn(async () => [makeMember(bob)]);
    const unwatch = [
      new QueryObserver(queryClient, { queryKey: roomsQueryKey, queryFn: roomsFn, staleTime: Infinity }).subscribe(
        () => {},
      ),
      new QueryObserver(queryClient, {
        queryKey: membersQueryKey(7),
        queryFn: membersFn,
        staleTime: Infinity,
      }).subscribe(() => {}),
    ];
    await flush();
    server.add(makeMessage(7, 1), makeMessage(7, 2));
    const first = await connect(sync, [7]);
    first.receive({ type: 'message.new', message: makeMessage(7, 3) });
    server.add(makeMessage(7, 3));
    server.calls.length = 0;

    first.drop();
    expect(sync.getStatus()).toBe('reconnecting');
    // Missed while down:
    server.add(makeMessage(7, 4), makeMessage(7, 5));
    await vi.advanceTimersByTimeAsync(500); // 0.5 * 1000 ms backoff
    expect(FakeSocket.instances).toHaveLength(2);
    expect(FakeSocket.last.url).toBe('ws://test/ws/chat/?ticket=ticket-2');
    const roomFetches = roomsFn.mock.calls.length;
    const memberFetches = membersFn.mock.calls.length;
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'hello', user: alice, rooms: [7] });
    await flush();

    expect(server.calls).toEqual([[7, 3]]);
    expect(seqsOf(queryClient, 7)).toEqual([1, 2, 3, 4, 5]);
    expect(roomsFn.mock.calls.length).toBe(roomFetches + 1);
    expect(membersFn.mock.calls.length).toBe(memberFetches + 1);
    unwatch.forEach((stop) => stop());
    sync.stop();
  });

  it('drops the cached history of a room the hello no longer lists', async () => {
    const { queryClient, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    seedHistory(queryClient, 8, [1]);
    await connect(sync, [8]);
    expect(queryClient.getQueryData(messagesQueryKey(7))).toBeUndefined();
    expect(seqsOf(queryClient, 8)).toEqual([1]);
    sync.stop();
  });
});

describe('ChatSync: seq gaps and duplicates', () => {
  it('a seq jump in message.new fetches the missing messages after the last contiguous seq', async () => {
    const { queryClient, server, sync } = setup();
    seedHistory(queryClient, 7, [1, 2, 3]);
    server.add(...[1, 2, 3].map((s) => makeMessage(7, s)));
    const socket = await connect(sync, [7]);
    server.add(...[4, 5, 6].map((s) => makeMessage(7, s)));
    server.calls.length = 0;

    socket.receive({ type: 'message.new', message: makeMessage(7, 4) });
    await flush();
    expect(server.calls).toEqual([]); // 4 follows 3: no gap

    socket.receive({ type: 'message.new', message: makeMessage(7, 6) });
    await flush();
    expect(server.calls).toEqual([[7, 4]]);
    expect(seqsOf(queryClient, 7)).toEqual([1, 2, 3, 4, 5, 6]);
    sync.stop();
  });

  it('deduplicates by id across live delivery and catch-up', async () => {
    const { queryClient, server, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    queryClient.setQueryData<Room[]>(roomsQueryKey, [makeRoom(7, { last_message: makeMessage(7, 1) })]);
    server.add(makeMessage(7, 1), makeMessage(7, 2), makeMessage(7, 3));
    const socket = await connect(sync, [7]); // catch-up brings 2 and 3
    socket.receive({ type: 'message.new', message: makeMessage(7, 3) });
    socket.receive({ type: 'message.new', message: makeMessage(7, 2) });
    await flush();
    const store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.items.map((m) => m.id)).toEqual([7001, 7002, 7003]);
    // Two new messages from bob: two unread, however often they arrived.
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]!.unread_count).toBe(2);
    sync.stop();
  });
});

function pageOf(roomId: number, seqs: number[]): RoomMessages {
  return mergeMessages(
    emptyRoomMessages(),
    seqs.map((s) => makeMessage(roomId, s)),
  );
}

/** Starts loading room `roomId`'s first page; the test decides when and how it lands. */
function loadPage(queryClient: QueryClient, roomId: number) {
  let settle!: { resolve: (page: RoomMessages) => void; reject: (error: Error) => void };
  const loading = queryClient
    .fetchQuery({
      queryKey: messagesQueryKey(roomId),
      queryFn: () => new Promise<RoomMessages>((resolve, reject) => (settle = { resolve, reject })),
    })
    .catch(() => undefined);
  return {
    land: async (page: RoomMessages) => {
      settle.resolve(page);
      await loading;
      await flush();
    },
    fail: async () => {
      settle.reject(new Error('503'));
      await loading;
      await flush();
    },
  };
}

describe('ChatSync: frames while the first page loads', () => {
  it('a frame that comes before the fetch starts is shown once the page lands, once', async () => {
    const { queryClient, server, sync } = setup();
    const socket = await connect(sync, [7, 8]);
    // As useQuery does: the query exists at render, its fetch starts in an effect.
    const pages: Record<number, RoomMessages> = { 7: pageOf(7, [1, 2]), 8: pageOf(8, [1, 2, 3]) };
    const observers = [7, 8].map(
      (roomId) =>
        new QueryObserver(queryClient, {
          queryKey: messagesQueryKey(roomId),
          queryFn: () => pages[roomId]!,
          staleTime: Infinity,
        }),
    );
    socket.receive({ type: 'message.new', message: makeMessage(7, 3) });
    socket.receive({ type: 'message.new', message: makeMessage(8, 3) });
    // Room 7's page does not hold #3 (answered from a read that predates it), room 8's does.
    const unsubscribe = observers.map((observer) => observer.subscribe(() => {}));
    await flush();
    expect(seqsOf(queryClient, 7)).toEqual([1, 2, 3]);
    expect(seqsOf(queryClient, 8)).toEqual([1, 2, 3]);
    expect(server.calls).toEqual([]);
    unsubscribe.forEach((stop) => stop());
    sync.stop();
  });

  it('a frame that comes during the fetch is shown whether or not the page holds it, once', async () => {
    const { queryClient, server, sync } = setup();
    const socket = await connect(sync, [7, 8]);
    const older = loadPage(queryClient, 7);
    const newer = loadPage(queryClient, 8);
    socket.receive({ type: 'message.new', message: makeMessage(7, 3) });
    socket.receive({ type: 'message.new', message: makeMessage(8, 3) });
    // Room 7's page was read before #3 was committed, room 8's after.
    await older.land(pageOf(7, [1, 2]));
    const reacted = makeMessage(8, 3, { reactions: [{ emoji: '👍', count: 1, me: true }] });
    await newer.land(mergeMessages(pageOf(8, [1, 2]), [reacted]));
    expect(seqsOf(queryClient, 7)).toEqual([1, 2, 3]);
    const room8 = queryClient.getQueryData<RoomMessages>(messagesQueryKey(8))!.items;
    expect(room8.map((m) => m.id)).toEqual([8001, 8002, 8003]);
    // The page read it later than the frame was sent: its copy stays.
    expect(room8[2]!.reactions).toEqual(reacted.reactions);
    expect(server.calls).toEqual([]);
    sync.stop();
  });

  it('a failed fetch keeps the frames for the retry', async () => {
    const { queryClient, sync } = setup();
    const socket = await connect(sync, [7]);
    const first = loadPage(queryClient, 7);
    socket.receive({ type: 'message.new', message: makeMessage(7, 3) });
    await first.fail();
    expect(queryClient.getQueryState(messagesQueryKey(7))?.status).toBe('error');
    socket.receive({ type: 'message.new', message: makeMessage(7, 4) });
    await loadPage(queryClient, 7).land(pageOf(7, [1, 2]));
    expect(seqsOf(queryClient, 7)).toEqual([1, 2, 3, 4]);
    sync.stop();
  });

  it('a held frame beyond the page end fills the gap by seq', async () => {
    const { queryClient, server, sync } = setup();
    server.add(...[1, 2, 3, 4, 5].map((s) => makeMessage(7, s)));
    const socket = await connect(sync, [7]);
    const page = loadPage(queryClient, 7);
    socket.receive({ type: 'message.new', message: makeMessage(7, 5) });
    await page.land(pageOf(7, [1, 2]));
    expect(server.calls).toEqual([[7, 2]]);
    expect(seqsOf(queryClient, 7)).toEqual([1, 2, 3, 4, 5]);
    sync.stop();
  });

  it('edits, deletions and reactions held for the page apply to it', async () => {
    const { queryClient, sync } = setup();
    const socket = await connect(sync, [7]);
    const page = loadPage(queryClient, 7);
    const edited = makeMessage(7, 1, { body: 'fixed', edited_at: '2024-01-01T12:05:00Z' });
    socket.receive({ type: 'message.updated', message: edited });
    socket.receive({ type: 'message.deleted', room: 7, id: 7002, seq: 2 });
    socket.receive({
      type: 'reaction',
      room: 7,
      message: 7003,
      seq: 3,
      emoji: '👍',
      count: 1,
      user: alice,
      added: true,
    });
    await page.land(pageOf(7, [1, 2, 3]));
    const items = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.items;
    expect(items.map((m) => [m.body, m.deleted])).toEqual([
      ['fixed', false],
      ['', true],
      ['message 3', false],
    ]);
    expect(items[2]!.reactions).toEqual([{ emoji: '👍', count: 1, me: true }]);
    sync.stop();
  });

  it('catches up after landing when the frames overflowed, or a hello came while it loaded', async () => {
    const { queryClient, server, sync } = setup();
    const many = Array.from({ length: BACKLOG_LIMIT + 2 }, (_, i) => makeMessage(7, i + 2));
    server.add(makeMessage(7, 1), ...many, makeMessage(8, 1), makeMessage(8, 2));
    const socket = await connect(sync, [7, 8]);
    const overflowing = loadPage(queryClient, 7);
    for (const message of many) socket.receive({ type: 'message.new', message });
    const reconnected = loadPage(queryClient, 8);
    // Room 8's #2 came while the socket was down; its page was read before it.
    socket.receive({ type: 'hello', user: alice, rooms: [7, 8] });
    await overflowing.land(pageOf(7, [1]));
    await reconnected.land(pageOf(8, [1]));
    expect(server.calls).toEqual([
      [7, 1],
      [8, 1],
    ]);
    expect(seqsOf(queryClient, 7)).toEqual([1, ...many.map((m) => m.seq)]);
    expect(seqsOf(queryClient, 8)).toEqual([1, 2]);
    sync.stop();
  });

  it('forgets the frames of a history that is removed before it lands', async () => {
    const { queryClient, sync } = setup();
    const socket = await connect(sync, [7]);
    const page = loadPage(queryClient, 7);
    socket.receive({ type: 'message.new', message: makeMessage(7, 3) });
    queryClient.removeQueries({ queryKey: messagesQueryKey(7) });
    await page.fail();
    await loadPage(queryClient, 7).land(pageOf(7, [1]));
    expect(seqsOf(queryClient, 7)).toEqual([1]);
    sync.stop();
  });
});

describe('ChatSync: sending', () => {
  it('shows a send as pending at once and confirms it by client_id', async () => {
    const { queryClient, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    const socket = await connect(sync, [7]);
    const clientId = sync.sendMessage(7, 'hello there')!;
    expect(socket.frames.at(-1)).toEqual({ type: 'message.send', room: 7, body: 'hello there', client_id: clientId });
    let store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.pending).toMatchObject([
      { client_id: clientId, body: 'hello there', state: 'pending', author: alice },
    ]);

    socket.receive({
      type: 'message.new',
      message: makeMessage(7, 2, { author: alice, body: 'hello there', client_id: clientId }),
    });
    store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.pending).toEqual([]);
    expect(store.items.map((m) => [m.seq, m.client_id])).toEqual([
      [1, null],
      [2, clientId],
    ]);
    sync.stop();
  });

  it('an error frame fails the send; retry re-sends the SAME client_id', async () => {
    const { queryClient, sync, notify } = setup();
    seedHistory(queryClient, 7, [1]);
    const socket = await connect(sync, [7]);
    const clientId = sync.sendMessage(7, 'hi')!;
    socket.receive({ type: 'error', code: 'forbidden', detail: 'room is locked', client_id: clientId });
    let store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.pending[0]).toMatchObject({
      client_id: clientId,
      state: 'failed',
      error: 'Not allowed: room is locked',
    });
    expect(notify).not.toHaveBeenCalled();

    sync.retryMessage(7, clientId);
    const sends = socket.frames.filter((f) => f.type === 'message.send');
    expect(sends).toEqual([
      { type: 'message.send', room: 7, body: 'hi', client_id: clientId },
      { type: 'message.send', room: 7, body: 'hi', client_id: clientId },
    ]);
    store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.pending[0]!.state).toBe('pending');
    socket.receive({
      type: 'message.new',
      message: makeMessage(7, 2, { author: alice, body: 'hi', client_id: clientId }),
    });
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending).toEqual([]);
    sync.stop();
  });

  it('a send while the socket is down, or cut off in flight, stays pending and is re-sent with its client_id after hello', async () => {
    const { queryClient, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    const socket = await connect(sync, [7]);
    const inFlight = sync.sendMessage(7, 'one')!;
    socket.drop();
    const whileDown = sync.sendMessage(7, 'two')!;
    const store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.pending.map((p) => [p.client_id, p.state])).toEqual([
      [inFlight, 'pending'],
      [whileDown, 'pending'],
    ]);

    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'hello', user: alice, rooms: [7] });
    await flush();
    expect(FakeSocket.last.frames.filter((f) => f.type === 'message.send')).toEqual([
      { type: 'message.send', room: 7, body: 'one', client_id: inFlight },
      { type: 'message.send', room: 7, body: 'two', client_id: whileDown },
    ]);
    sync.stop();
  });

  it('unconfirmed sends survive a reload: saved per user, shown again and re-sent once connected', async () => {
    const first = setup();
    seedHistory(first.queryClient, 7, [1]);
    await connect(first.sync, [7]);
    FakeSocket.last.drop();
    const clientId = first.sync.sendMessage(7, 'kept')!;
    first.sync.stop();

    // A new page: nothing cached, the saved send comes back when the room's history loads.
    const second = setup();
    const socket = await connect(second.sync, [7]);
    expect(socket.frames.filter((f) => f.type === 'message.send')).toEqual([
      { type: 'message.send', room: 7, body: 'kept', client_id: clientId },
    ]);
    await second.queryClient.fetchQuery({
      queryKey: messagesQueryKey(7),
      queryFn: () => mergeMessages(emptyRoomMessages(), [makeMessage(7, 1)]),
    });
    expect(second.queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending.map((p) => p.body)).toEqual([
      'kept',
    ]);
    socket.receive({
      type: 'message.new',
      message: makeMessage(7, 2, { author: alice, body: 'kept', client_id: clientId }),
    });
    expect(second.queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending).toEqual([]);
    expect(window.localStorage.getItem(`chat.outbox.${alice.id}`)).toBeNull();
    second.sync.stop();
  });

  it('a catch-up that brings a cut-off send back confirms it', async () => {
    const { queryClient, server, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    server.add(makeMessage(7, 1));
    const socket = await connect(sync, [7]);
    const clientId = sync.sendMessage(7, 'made it')!;
    socket.drop(); // the server stored it, but the confirmation was lost
    server.add(makeMessage(7, 2, { author: alice, body: 'made it', client_id: clientId }));
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending[0]!.state).toBe('pending');
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'hello', user: alice, rooms: [7] });
    await flush();
    const store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.pending).toEqual([]);
    expect(store.items.map((m) => m.client_id)).toEqual([null, clientId]);
    sync.stop();
  });
});

describe('ChatSync: typing, read, errors', () => {
  it('sends typing at most once every 2 s per room', async () => {
    const { sync } = setup();
    const socket = await connect(sync, [7]);
    sync.notifyTyping(7);
    sync.notifyTyping(7);
    await vi.advanceTimersByTimeAsync(1999);
    sync.notifyTyping(7);
    sync.notifyTyping(8);
    expect(socket.frames.filter((f) => f.type === 'typing')).toEqual([
      { type: 'typing', room: 7 },
      { type: 'typing', room: 8 },
    ]);
    await vi.advanceTimersByTimeAsync(1);
    sync.notifyTyping(7);
    expect(socket.frames.filter((f) => f.type === 'typing')).toHaveLength(3);
    sync.stop();
  });

  it('markRead sends a read frame once per new seq and clears the badge; falls back to REST when down', async () => {
    const { queryClient, sync, postRead } = setup();
    queryClient.setQueryData<Room[]>(roomsQueryKey, [
      makeRoom(7, { unread_count: 4, last_message: makeMessage(7, 9) }),
    ]);
    const socket = await connect(sync, [7]);
    queryClient.setQueryData<Room[]>(roomsQueryKey, [
      makeRoom(7, { unread_count: 4, last_message: makeMessage(7, 9) }),
    ]);
    sync.markRead(7, 9);
    sync.markRead(7, 9);
    expect(socket.frames.filter((f) => f.type === 'read')).toEqual([{ type: 'read', room: 7, seq: 9 }]);
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]!.unread_count).toBe(0);
    expect(postRead).not.toHaveBeenCalled();

    socket.drop();
    sync.markRead(7, 10);
    expect(postRead).toHaveBeenCalledWith(7, 10);
    sync.stop();
  });

  it('an error frame without client_id becomes a readable notice', async () => {
    const { sync, notify } = setup();
    const socket = await connect(sync, [7]);
    socket.receive({ type: 'error', code: 'rate_limited', detail: 'x', retry_after_ms: 5000 });
    expect(notify).toHaveBeenCalledWith('You are sending too fast. Try again in 5 s.');
    sync.stop();
  });

  it('reports status changes to subscribers', async () => {
    const { sync } = setup();
    const seen: string[] = [];
    sync.subscribeStatus(() => seen.push(sync.getStatus()));
    const socket = await connect(sync, [7]);
    socket.drop();
    sync.stop();
    expect(seen).toEqual(['connecting', 'open', 'reconnecting', 'stopped']);
  });
});

describe('ChatSync: applyLocal (my own REST answers go through the event reducer)', () => {
  it('an edit changes the cached message and the room preview, as message.updated does', () => {
    const { queryClient, sync } = setup();
    seedHistory(queryClient, 1, [1, 2]);
    const last = queryClient.getQueryData<RoomMessages>(messagesQueryKey(1))!.items[1]!;
    queryClient.setQueryData<Room[]>(roomsQueryKey, [makeRoom(1, { last_message: last })]);
    const edited = { ...last, body: 'fixed typo', edited_at: '2026-01-01T00:05:00Z' };
    sync.applyLocal({ type: 'message.updated', message: edited });
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(1))!.items[1]!.body).toBe('fixed typo');
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]!.last_message?.body).toBe('fixed typo');
  });

  it('a join adds the room; the room.added that follows changes nothing more', () => {
    const { queryClient, sync } = setup();
    queryClient.setQueryData<Room[]>(roomsQueryKey, []);
    const room = makeRoom(7, { my_role: 'member', unread_count: 0 });
    sync.applyLocal({ type: 'room.added', room });
    const after = queryClient.getQueryData<Room[]>(roomsQueryKey);
    expect(after?.map((r) => r.id)).toEqual([7]);
    sync.handleEvent({ type: 'room.added', room });
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)).toEqual(after);
  });

  it('an add of a room already listed keeps its cached unread count', () => {
    const { queryClient, sync } = setup();
    queryClient.setQueryData<Room[]>(roomsQueryKey, [makeRoom(3, { unread_count: 4 })]);
    sync.applyLocal({ type: 'room.added', room: makeRoom(3, { unread_count: 0 }) });
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]!.unread_count).toBe(4);
  });

  it('a leave drops the room and its cached history', () => {
    const { queryClient, sync } = setup();
    queryClient.setQueryData<Room[]>(roomsQueryKey, [makeRoom(1), makeRoom(2)]);
    seedHistory(queryClient, 1, [1]);
    sync.applyLocal({ type: 'room.removed', room: 1 });
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)!.map((r) => r.id)).toEqual([2]);
    expect(queryClient.getQueryData(messagesQueryKey(1))).toBeUndefined();
  });

  it('a removal counts once with the member list cached, and waits for the event without it', () => {
    const { queryClient, sync } = setup();
    queryClient.setQueryData<Room[]>(roomsQueryKey, [makeRoom(1, { member_count: 2 })]);
    sync.applyLocal({ type: 'member.removed', room: 1, user: bob });
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]!.member_count).toBe(2);
    queryClient.setQueryData(membersQueryKey(1), [makeMember(alice), makeMember(bob)]);
    sync.applyLocal({ type: 'member.removed', room: 1, user: bob });
    sync.handleEvent({ type: 'member.removed', room: 1, user: bob });
    expect(queryClient.getQueryData<Room[]>(roomsQueryKey)![0]!.member_count).toBe(1);
    expect(queryClient.getQueryData<{ user: { id: number } }[]>(membersQueryKey(1))!.map((m) => m.user.id)).toEqual([
      alice.id,
    ]);
  });
});

describe('ChatSync: sends with files', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('POSTs body, client_id, reply_to and each file as multipart; the answer confirms the pending send', async () => {
    const { queryClient, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    const socket = await connect(sync, [7]);
    const file = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    const { fetchMock, forms } = stubUpload((_call, clientId) =>
      json(201, makeMessage(7, 2, { author: alice, body: '', client_id: clientId, attachments: [attachment] })),
    );
    const clientId = sync.sendFiles(7, '', [file], 7001)!;
    const pending = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending;
    expect(pending).toMatchObject([{ client_id: clientId, state: 'pending', files: [file] }]);
    // It goes by REST, not as a socket frame.
    expect(socket.frames.filter((f) => f.type === 'message.send')).toEqual([]);
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/rooms/7/messages/');
    expect(fetchMock.mock.calls[0]![1]!.method).toBe('POST');
    const form = forms[0]!;
    expect([form.get('body'), form.get('client_id'), form.get('reply_to')]).toEqual(['', clientId, '7001']);
    expect((form.getAll('files') as File[]).map((f) => f.name)).toEqual(['notes.txt']);

    await flush();
    let store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.pending).toEqual([]);
    expect(store.items.at(-1)!.attachments).toEqual([attachment]);
    // The socket's copy that follows changes nothing.
    socket.receive({
      type: 'message.new',
      message: makeMessage(7, 2, { author: alice, body: '', client_id: clientId, attachments: [attachment] }),
    });
    store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.items.map((m) => m.seq)).toEqual([1, 2]);
    sync.stop();
  });

  it('a refusal fails it with the limit; Retry POSTs the SAME client_id again', async () => {
    const { queryClient, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    await connect(sync, [7]);
    const { forms } = stubUpload((call, clientId) =>
      call === 1
        ? json(413, { detail: 'File too large.', code: 'too_large', limit: 26_214_400 })
        : json(200, makeMessage(7, 2, { author: alice, body: 'see', client_id: clientId, attachments: [attachment] })),
    );
    const clientId = sync.sendFiles(7, 'see', [new File(['x'], 'big.bin')])!;
    await flush();
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending[0]).toMatchObject({
      state: 'failed',
      error: 'Not sent: too large (the limit is 25 MB).',
    });

    sync.retryMessage(7, clientId);
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending[0]!.state).toBe('pending');
    await flush();
    expect(forms.map((f) => f.get('client_id'))).toEqual([clientId, clientId]);
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending).toEqual([]);
    sync.stop();
  });

  it('a cut-off upload fails (no resend after hello); Discard forgets it', async () => {
    const { queryClient, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    await connect(sync, [7]);
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        throw new TypeError('Failed to fetch');
      }),
    );
    const clientId = sync.sendFiles(7, 'pic', [new File(['x'], 'a.png', { type: 'image/png' })])!;
    await flush();
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending[0]).toMatchObject({
      state: 'failed',
      error: 'Cannot reach the server. Check your connection.',
    });
    FakeSocket.last.drop();
    await vi.advanceTimersByTimeAsync(500);
    FakeSocket.last.open();
    FakeSocket.last.receive({ type: 'hello', user: alice, rooms: [7] });
    await flush();
    expect(FakeSocket.last.frames.filter((f) => f.type === 'message.send')).toEqual([]);

    sync.discardMessage(7, clientId);
    expect(queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!.pending).toEqual([]);
    sync.stop();
  });

  it('an upload is not saved for a reload, a text send beside it is', async () => {
    const { queryClient, sync } = setup();
    seedHistory(queryClient, 7, [1]);
    await connect(sync, [7]);
    FakeSocket.last.drop();
    stubUpload(() => new Promise<Response>(() => undefined) as unknown as Response);
    sync.sendFiles(7, 'with a file', [new File(['x'], 'a.txt')]);
    sync.sendMessage(7, 'just text');
    const saved = JSON.parse(window.localStorage.getItem(`chat.outbox.${alice.id}`)!) as Array<{ body: string }>;
    expect(saved.map((p) => p.body)).toEqual(['just text']);
    sync.stop();
  });
});
