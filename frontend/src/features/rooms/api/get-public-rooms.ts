import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiList } from '@/lib/api-client';
import type { Room } from '@/types/api';

/** Cache key of the public rooms: `Room[]`. */
export const publicRoomsQueryKey = ['rooms', 'public'] as const;

/** `GET /api/rooms/public/` → every public room, joined or not (`my_role` null when not a member). */
export function getPublicRooms(signal?: AbortSignal): Promise<Room[]> {
  return apiList<Room>('/api/rooms/public/', { signal });
}

/** Query options for `GET /api/rooms/public/`. */
export function publicRoomsQueryOptions() {
  return queryOptions({ queryKey: publicRoomsQueryKey, queryFn: ({ signal }) => getPublicRooms(signal) });
}

/** Public rooms to browse; fetched only while `enabled`. */
export function usePublicRooms(enabled = true) {
  return useQuery({ ...publicRoomsQueryOptions(), enabled });
}
