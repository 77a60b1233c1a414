import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { markDeleted, type RoomMessages } from '../lib/message-store';
import { messagesQueryKey } from './get-messages';

/** `DELETE /api/messages/{id}/` → 204 (author, room owner/moderators, staff); broadcast as `message.deleted`. */
export function deleteMessage(id: number): Promise<void> {
  return apiRequest<void>(`/api/messages/${id}/`, { method: 'DELETE' });
}

/** Deletes a message and shows the placeholder at once. */
export function useDeleteMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id }: { id: number; room: number }) => deleteMessage(id),
    onSuccess: (_data, { id, room }) => {
      queryClient.setQueryData<RoomMessages>(messagesQueryKey(room), (store) =>
        store ? markDeleted(store, id) : store,
      );
    },
  });
}
