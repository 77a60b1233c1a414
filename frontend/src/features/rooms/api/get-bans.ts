import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiList } from '@/lib/api-client';
import type { Ban } from '@/types/api';

/** Cache key of a room's bans: `Ban[]`, newest first. */
export const bansQueryKey = (roomId: number) => ['bans', roomId] as const;

/** `GET /api/rooms/{id}/bans/` → `[{user, reason, banned_by, created_at}]` (owner, moderators; array or DRF pages). */
export function getBans(roomId: number, signal?: AbortSignal): Promise<Ban[]> {
  return apiList<Ban>(`/api/rooms/${roomId}/bans/`, { signal });
}

/** Query options for a room's bans; no event announces bans, so they are fetched each time they are shown. */
export function bansQueryOptions(roomId: number) {
  return queryOptions({
    queryKey: bansQueryKey(roomId),
    queryFn: ({ signal }) => getBans(roomId, signal),
    staleTime: 0,
  });
}

/** A room's bans, for its owner and moderators. */
export function useBans(roomId: number, enabled = true) {
  return useQuery({ ...bansQueryOptions(roomId), enabled });
}
