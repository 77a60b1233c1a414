import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { alice, makeMessage } from '@/test/factories';
import { addPending, emptyRoomMessages, mergeMessages, type RoomMessages } from '../lib/message-store';
import { getMessagesAfter, messagesQueryKey, messagesQueryOptions } from './get-messages';
import { loadOlderMessages } from './get-older-messages';

function respond(body: unknown) {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } });
}

function range(room: number, from: number, to: number) {
  return Array.from({ length: to - from + 1 }, (_, i) => makeMessage(room, from + i));
}

afterEach(() => vi.unstubAllGlobals());

describe('getMessagesAfter', () => {
  it('follows has_more with after= the last seq of each page, limit 200', async () => {
    const fetchMock = vi.fn(async (url: string) => {
      const after = Number(new URL(url, 'http://x').searchParams.get('after'));
      if (after === 10) return respond({ results: range(7, 11, 210), has_more: true });
      if (after === 210) return respond({ results: range(7, 211, 215), has_more: false });
      throw new Error(`unexpected ${url}`);
    });
    vi.stubGlobal('fetch', fetchMock);
    const messages = await getMessagesAfter(7, 10);
    expect(messages.map((m) => m.seq)).toEqual(range(7, 11, 215).map((m) => m.seq));
    expect(fetchMock.mock.calls.map((c) => c[0])).toEqual([
      '/api/rooms/7/messages/?after=10&limit=200',
      '/api/rooms/7/messages/?after=210&limit=200',
    ]);
  });
});

describe('messagesQueryOptions', () => {
  it('loads the newest page and merges a refetch into older pages and pending sends', async () => {
    const queryClient = new QueryClient();
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond({ results: range(7, 51, 100), has_more: true })),
    );
    await queryClient.fetchQuery(messagesQueryOptions(7, queryClient));
    let store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.items.map((m) => m.seq)).toEqual(range(7, 51, 100).map((m) => m.seq));
    expect(store.hasOlder).toBe(true);

    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond({ results: range(7, 1, 50), has_more: false })),
    );
    await loadOlderMessages(queryClient, 7);
    store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.items).toHaveLength(100);
    expect(store.hasOlder).toBe(false);

    queryClient.setQueryData<RoomMessages>(messagesQueryKey(7), (s) =>
      addPending(s!, {
        client_id: 'p',
        room: 7,
        body: 'x',
        author: alice,
        created_at: '',
        state: 'failed',
        error: 'e',
      }),
    );
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => respond({ results: range(7, 52, 101), has_more: true })),
    );
    await queryClient.fetchQuery({ ...messagesQueryOptions(7, queryClient), staleTime: 0 });
    store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.items.map((m) => m.seq)).toEqual(range(7, 1, 101).map((m) => m.seq));
    expect(store.hasOlder).toBe(false);
    expect(store.pending.map((p) => p.client_id)).toEqual(['p']);
  });

  it('asks for before= the smallest cached seq when loading older', async () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(messagesQueryKey(7), {
      ...mergeMessages(emptyRoomMessages(), range(7, 80, 90)),
      hasOlder: true,
    });
    const fetchMock = vi.fn(async (_url: string) => respond({ results: range(7, 30, 79), has_more: true }));
    vi.stubGlobal('fetch', fetchMock);
    await expect(loadOlderMessages(queryClient, 7)).resolves.toBe(50);
    expect(fetchMock.mock.calls[0]![0]).toBe('/api/rooms/7/messages/?before=80&limit=50');
  });
});
