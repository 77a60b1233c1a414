import { QueryClient } from '@tanstack/react-query';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeMessage } from '@/test/factories';
import { respond, stubFetch } from '@/test/http';
import { emptyRoomMessages, mergeMessages, type RoomMessages } from '../lib/message-store';
import { messagesQueryKey } from './get-messages';
import { loadMessagesAround } from './get-messages-around';

afterEach(() => vi.unstubAllGlobals());

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => makeMessage(7, from + i));

describe('loadMessagesAround', () => {
  it('merges the page around an old seq and fills the hole up to the cached newest page', async () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData<RoomMessages>(messagesQueryKey(7), {
      ...mergeMessages(emptyRoomMessages(), range(251, 300)),
      hasOlder: true,
    });
    const calls = stubFetch((_method, url) => {
      const params = new URL(url, 'http://x').searchParams;
      if (params.get('around')) {
        return respond(200, { results: range(76, 125), has_more: true, has_more_before: true, has_more_after: true });
      }
      expect([params.get('after'), params.get('before')]).toEqual(['125', '251']);
      return respond(200, { results: range(126, 250), has_more: false });
    });
    expect(await loadMessagesAround(queryClient, 7, 100)).toBe(true);
    const store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(7))!;
    expect(store.items.map((m) => m.seq)).toEqual(range(76, 300).map((m) => m.seq));
    expect(store.hasOlder).toBe(true);
    expect(calls).toHaveLength(2);
  });

  it('fetches nothing when the seq is already held', async () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData<RoomMessages>(messagesQueryKey(7), mergeMessages(emptyRoomMessages(), range(1, 10)));
    const calls = stubFetch(() => respond(500, {}));
    expect(await loadMessagesAround(queryClient, 7, 5)).toBe(true);
    expect(calls).toHaveLength(0);
  });
});
