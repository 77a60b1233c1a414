import { queryOptions, useQuery } from '@tanstack/react-query';
import { apiBlob } from '@/lib/api-client';

/**
 * An attachment's bytes (`url` or `thumbnail_url`), fetched with the token:
 * an `<img src>` could not send it. Kept while shown and a few minutes after,
 * so scrolling back or reopening a room does not download it again; a 404
 * (the room is no longer mine to read) is not retried.
 */
export function attachmentQueryOptions(url: string) {
  return queryOptions({
    queryKey: ['attachment', url] as const,
    queryFn: ({ signal }) => apiBlob(url, signal),
    staleTime: Infinity,
    gcTime: 5 * 60_000,
  });
}

/** The Blob at `url`; nothing is fetched while `url` is null. */
export function useAttachmentBlob(url: string | null) {
  return useQuery({ ...attachmentQueryOptions(url ?? ''), enabled: url !== null });
}
