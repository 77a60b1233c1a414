import { useQuery } from '@tanstack/react-query';
import { useEffect, useReducer } from 'react';
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
  const [tick, rerender] = useReducer((n: number) => n + 1, 0);
  const entries = data ?? NOBODY;
  const active = activeTyping(entries, Date.now());

  useEffect(() => {
    const now = Date.now();
    const next = Math.min(...entries.map((e) => e.until).filter((until) => until > now));
    if (!Number.isFinite(next)) return;
    const timer = setTimeout(rerender, next - now + 10);
    return () => clearTimeout(timer);
  }, [entries, tick]);

  return active;
}
