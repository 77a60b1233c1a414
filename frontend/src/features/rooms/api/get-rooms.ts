import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiList } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { sortRooms } from '../lib/room-list';

/** Cache key of my rooms: `Room[]`, newest activity first. */
export const roomsQueryKey = ['rooms', 'mine'] as const;

/** `GET /api/rooms/` → the caller's rooms (array or DRF pages), sorted newest activity first. */
export async function getRooms(signal?: AbortSignal): Promise<Room[]> {
  return sortRooms(await apiList<Room>('/api/rooms/', { signal }));
}

/** Query options for `GET /api/rooms/`. */
export function roomsQueryOptions() {
  return queryOptions({ queryKey: roomsQueryKey, queryFn: ({ signal }) => getRooms(signal) });
}

/** My rooms, kept live by WebSocket events and refetched on every reconnect. */
export function useRooms() {
  return useQuery(roomsQueryOptions());
}
