import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Message } from '@/types/api';
import { replaceMessage, type RoomMessages } from '../lib/message-store';
import { messagesQueryKey } from './get-messages';

/** `PATCH /api/messages/{id}/` `{body}` → 200 Message (author only); broadcast as `message.updated`. */
export function editMessage(id: number, body: string): Promise<Message> {
  return apiRequest<Message>(`/api/messages/${id}/`, { method: 'PATCH', body: { body } });
}

/** Edits one of my messages and shows the edit at once. */
export function useEditMessage() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: string }) => editMessage(id, body),
    onSuccess: (message) => {
      queryClient.setQueryData<RoomMessages>(messagesQueryKey(message.room), (store) =>
        store ? replaceMessage(store, message) : store,
      );
    },
  });
}
