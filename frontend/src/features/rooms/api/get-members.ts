import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiList } from '@/lib/api-client';
import type { Member } from '@/types/api';

/** Cache key of a room's members: `Member[]`. */
export const membersQueryKey = (roomId: number) => ['members', roomId] as const;

/** `GET /api/rooms/{id}/members/` → `[{user, role, joined_at, muted, online}]` (array or DRF pages). */
export function getMembers(roomId: number, signal?: AbortSignal): Promise<Member[]> {
  return apiList<Member>(`/api/rooms/${roomId}/members/`, { signal });
}

export function membersQueryOptions(roomId: number) {
  return queryOptions({
    queryKey: membersQueryKey(roomId),
    queryFn: ({ signal }) => getMembers(roomId, signal),
    // `presence` events keep `online` current; reconnects invalidate.
    staleTime: Infinity,
  });
}

/** A room's members with live `online` flags. */
export function useMembers(roomId: number, enabled = true) {
  return useQuery({ ...membersQueryOptions(roomId), enabled });
}
