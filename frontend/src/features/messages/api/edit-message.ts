import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import { useRealtime } from '@/lib/realtime';
import type { Message } from '@/types/api';

/** `PATCH /api/messages/{id}/` `{body}` → 200 Message (author only); broadcast as `message.updated`. */
export function editMessage(id: number, body: string): Promise<Message> {
  return apiRequest<Message>(`/api/messages/${id}/`, { method: 'PATCH', body: { body } });
}

/** Edits one of my messages and shows the edit at once (history and room preview), as `message.updated`. */
export function useEditMessage() {
  const realtime = useRealtime();
  return useMutation({
    mutationFn: ({ id, body }: { id: number; body: string }) => editMessage(id, body),
    onSuccess: (message) => realtime.applyLocal({ type: 'message.updated', message }),
  });
}
