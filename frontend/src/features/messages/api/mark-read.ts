import { apiRequest } from '@/lib/api-client';

/** `POST /api/rooms/{id}/read/` `{seq}` → 204; the read position never moves backwards. */
export function postRead(roomId: number, seq: number): Promise<void> {
  return apiRequest<void>(`/api/rooms/${roomId}/read/`, { method: 'POST', body: { seq } });
}
