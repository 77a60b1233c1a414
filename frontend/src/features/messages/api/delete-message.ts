import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';

/** `DELETE /api/messages/{id}/` → 204 (author, room owner/moderators, staff); broadcast as `message.deleted`. */
export function deleteMessage(id: number): Promise<void> {
  return apiRequest<void>(`/api/messages/${id}/`, { method: 'DELETE' });
}

/** Deletes a message and shows the placeholder at once (history and room preview), as `message.deleted`. */
export function useDeleteMessage() {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: ({ id }: { id: number; room: number; seq: number }) => deleteMessage(id),
    onSuccess: (_data, { id, room, seq }) => realtime.applyLocal({ type: 'message.deleted', room, id, seq }),
  });
}
