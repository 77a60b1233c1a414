import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiRequest } from '@/lib/api-client';
import type { Room } from '@/types/api';

/** Cache key of one room fetched on its own (not one of mine). */
export const roomQueryKey = (roomId: number) => ['rooms', 'detail', roomId] as const;

/** `GET /api/rooms/{id}/` → Room (members; anyone for a public room); others' private rooms: 404. */
export function getRoom(roomId: number, signal?: AbortSignal): Promise<Room> {
  return apiRequest<Room>(`/api/rooms/${roomId}/`, { signal });
}

/** Query options for `GET /api/rooms/{id}/`. */
export function roomQueryOptions(roomId: number) {
  return queryOptions({ queryKey: roomQueryKey(roomId), queryFn: ({ signal }) => getRoom(roomId, signal) });
}

/** One room by id, for a room that is not in my list (e.g. a public room opened by link). */
export function useRoom(roomId: number, enabled = true) {
  return useQuery({ ...roomQueryOptions(roomId), enabled });
}
