import { queryOptions, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Message, MessagePage } from '@/types/api';
import { emptyRoomMessages, mergeMessages, type RoomMessages } from '../lib/message-store';

/** Messages per history page (the server's default `limit`). */
export const PAGE_SIZE = 50;
/** The server caps `limit` at 200 (contract "Messages and history"). */
export const CATCH_UP_PAGE_SIZE = 200;

/** Cache key of a room's history: `RoomMessages`. */
export const messagesQueryKey = (roomId: number) => ['messages', roomId] as const;

export interface PageCursor {
  before?: number;
  after?: number;
  limit?: number;
}

/**
 * `GET /api/rooms/{id}/messages/?before=&after=&limit=` → `{results (ascending seq), has_more}`.
 * No cursor: the newest `limit`; `has_more` is about older messages for
 * `before`/no cursor and newer ones for `after`.
 */
export function getMessagePage(roomId: number, cursor: PageCursor = {}, signal?: AbortSignal): Promise<MessagePage> {
  return apiRequest<MessagePage>(`/api/rooms/${roomId}/messages/`, {
    params: { before: cursor.before, after: cursor.after, limit: cursor.limit ?? PAGE_SIZE },
    signal,
  });
}

/**
 * Every message of the room with seq > `after`, following `has_more` until
 * the newest (the catch-up of a reconnect or a seq jump). Stops early if a
 * page brings nothing new, so a misbehaving server cannot loop it.
 */
export async function getMessagesAfter(roomId: number, after: number, signal?: AbortSignal): Promise<Message[]> {
  const all: Message[] = [];
  let cursor = after;
  for (;;) {
    const page = await getMessagePage(roomId, { after: cursor, limit: CATCH_UP_PAGE_SIZE }, signal);
    all.push(...page.results);
    const last = page.results[page.results.length - 1];
    if (!page.has_more || !last || last.seq <= cursor) return all;
    cursor = last.seq;
  }
}

/**
 * The room's history in the cache. The query function loads the newest page
 * and MERGES it into what is cached (older pages, live messages and pending
 * sends survive a refetch). It is never stale by time: the socket keeps it
 * current and reconnects catch up with `after=`.
 */
export function messagesQueryOptions(roomId: number, queryClient: QueryClient) {
  return queryOptions({
    queryKey: messagesQueryKey(roomId),
    queryFn: async ({ signal }): Promise<RoomMessages> => {
      const page = await getMessagePage(roomId, {}, signal);
      const cached = queryClient.getQueryData<RoomMessages>(messagesQueryKey(roomId));
      const base = cached ?? emptyRoomMessages();
      const merged = mergeMessages(base, page.results);
      const hasOlder =
        cached && cached.items.length > 0 && page.results.length > 0 && cached.items[0]!.seq < page.results[0]!.seq
          ? cached.hasOlder
          : page.has_more;
      return merged.hasOlder === hasOlder ? merged : { ...merged, hasOlder };
    },
    staleTime: Infinity,
    gcTime: 30 * 60_000,
  });
}

/** A room's cached history (see messagesQueryOptions). */
export function useMessages(roomId: number) {
  const queryClient = useQueryClient();
  return useQuery(messagesQueryOptions(roomId, queryClient));
}
