import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { activeTyping, typingQueryKey, type TypingEntry } from '../lib/typing';

const NOBODY: TypingEntry[] = [];

/**
 * Who is typing in the room now: the cached `typing` entries (written by
 * socket events) that have not expired, re-rendering when the next one expires.
 */
export function useTyping(roomId: number): TypingEntry[] {
  const { data } = useQuery({
    queryKey: typingQueryKey(roomId),
    queryFn: () => NOBODY,
    initialData: NOBODY,
    staleTime: Infinity,
  });
  // The clock moves when an entry expires; a new entry always ends after it.
  const [now, setNow] = useState(Date.now);
  const entries = data ?? NOBODY;

  useEffect(() => {
    const current = Date.now();
    const next = Math.min(...entries.map((e) => e.until).filter((until) => until > current));
    if (!Number.isFinite(next)) return;
    const timer = setTimeout(() => setNow(Date.now()), next - current + 10);
    return () => clearTimeout(timer);
  }, [entries, now]);

  return activeTyping(entries, now);
}
