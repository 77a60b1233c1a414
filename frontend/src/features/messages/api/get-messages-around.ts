import type { QueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Message, MessagePage } from '@/types/api';
import { mergeMessages, type RoomMessages } from '../lib/message-store';
import { CATCH_UP_PAGE_SIZE, getMessagePage, messagesQueryKey, PAGE_SIZE } from './get-messages';

/** `GET /api/rooms/{id}/messages/?around=SEQ` answer (docs/messages.md). */
export interface AroundPage extends MessagePage {
  has_more_before: boolean;
  has_more_after: boolean;
}

/** The `limit` messages centred on `seq` (docs/messages.md "around"). */
export function getMessagesAround(roomId: number, seq: number, limit = PAGE_SIZE): Promise<AroundPage> {
  return apiRequest<AroundPage>(`/api/rooms/${roomId}/messages/`, { params: { around: seq, limit } });
}

/**
 * Every message with `after` < seq < `before`, following `has_more`: the
 * hole between two runs of a history.
 */
async function getMessagesBetween(roomId: number, after: number, before: number): Promise<Message[]> {
  const all: Message[] = [];
  let cursor = after;
  for (;;) {
    const page = await getMessagePage(roomId, { after: cursor, before, limit: CATCH_UP_PAGE_SIZE });
    all.push(...page.results);
    const last = page.results[page.results.length - 1];
    if (!page.has_more || !last || last.seq <= cursor) return all;
    cursor = last.seq;
  }
}

/**
 * Makes the cached history of `roomId` hold message `seq` (a permalink):
 * when it is older than the cached messages, the page around it is merged
 * in and the hole up to the cached ones filled, so the history stays one
 * gap-free run (live messages, read positions and catch-ups rely on that);
 * `hasOlder` then follows the page's `has_more_before`. Returns whether the
 * seq is now held (false: past the newest, or the history is not loaded).
 */
export async function loadMessagesAround(queryClient: QueryClient, roomId: number, seq: number): Promise<boolean> {
  const key = messagesQueryKey(roomId);
  const held = (store: RoomMessages | undefined) => store?.items.some((m) => m.seq === seq) ?? false;
  const store = queryClient.getQueryData<RoomMessages>(key);
  if (!store) return false;
  if (held(store)) return true;
  const page = await getMessagesAround(roomId, seq);
  const first = queryClient.getQueryData<RoomMessages>(key)?.items[0]?.seq;
  const last = page.results[page.results.length - 1]?.seq;
  const between =
    first !== undefined && last !== undefined && last + 1 < first ? await getMessagesBetween(roomId, last, first) : [];
  queryClient.setQueryData<RoomMessages>(key, (current) => {
    if (!current) return current;
    const oldest = current.items[0]?.seq;
    const merged = mergeMessages(current, [...page.results, ...between]);
    const pageFirst = page.results[0]?.seq;
    const older = oldest === undefined || (pageFirst !== undefined && pageFirst < oldest);
    return older ? { ...merged, hasOlder: page.has_more_before } : merged;
  });
  return held(queryClient.getQueryData<RoomMessages>(key));
}
