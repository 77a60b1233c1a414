import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { firstSeq, mergeMessages, type RoomMessages } from '../lib/message-store';
import { getMessagePage, messagesQueryKey, PAGE_SIZE } from './get-messages';

/**
 * Loads the page before the oldest cached message (`before=` smallest seq)
 * and merges it in; `hasOlder` follows the page's `has_more`. Returns how
 * many messages were added.
 */
export async function loadOlderMessages(queryClient: QueryClient, roomId: number): Promise<number> {
  const store = queryClient.getQueryData<RoomMessages>(messagesQueryKey(roomId));
  if (!store) return 0;
  const before = firstSeq(store);
  if (before === null || before <= 1) {
    if (store.hasOlder) queryClient.setQueryData<RoomMessages>(messagesQueryKey(roomId), { ...store, hasOlder: false });
    return 0;
  }
  const page = await getMessagePage(roomId, { before, limit: PAGE_SIZE });
  let added = 0;
  queryClient.setQueryData<RoomMessages>(messagesQueryKey(roomId), (current) => {
    if (!current) return current;
    const merged = mergeMessages(current, page.results);
    added = merged.items.length - current.items.length;
    return { ...merged, hasOlder: page.has_more };
  });
  return added;
}

/** `mutate()` loads one older page of the room. */
export function useLoadOlderMessages(roomId: number) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: () => loadOlderMessages(queryClient, roomId) });
}
