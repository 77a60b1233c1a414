import { apiRequest } from '@/lib/api-client';
import type { Message } from '@/types/api';

export interface FilesSend {
  body: string;
  clientId: string;
  replyTo: number | null;
  files: readonly File[];
}

/**
 * `POST /api/rooms/{id}/messages/` as `multipart/form-data`: `body` (may be
 * empty with a file), `client_id`, optional `reply_to`, one `files` part per
 * file → 201 Message, or 200 with the original for a client_id already
 * stored. 413 `{code: "too_large", limit}` for a file or a request too big,
 * 400 `{code: "invalid"}` for too many or empty files. The message also comes
 * as `message.new` to every member, me included.
 */
export function sendWithFiles(roomId: number, send: FilesSend, signal?: AbortSignal): Promise<Message> {
  const form = new FormData();
  form.append('body', send.body);
  form.append('client_id', send.clientId);
  if (send.replyTo !== null) form.append('reply_to', String(send.replyTo));
  for (const file of send.files) form.append('files', file, file.name);
  return apiRequest<Message>(`/api/rooms/${roomId}/messages/`, { method: 'POST', body: form, signal });
}
