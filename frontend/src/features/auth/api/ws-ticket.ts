import { apiRequest } from '@/lib/api-client';
import type { WsTicket } from '@/types/api';

/** `POST /api/auth/ws-ticket/` → 201 `{ticket, expires_in}`; a ticket is single-use and lives ≤ 60 s. */
export async function getWsTicket(): Promise<string> {
  const data = await apiRequest<WsTicket>('/api/auth/ws-ticket/', { method: 'POST' });
  return data.ticket;
}
