import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { errorMessage } from '@/lib/api-client';
import { formatDay, sameDay } from '@/lib/format';
import { useRealtime } from '@/lib/realtime';
import type { Message } from '@/types/api';
import { useMessages } from '../api/get-messages';
import { useLoadOlderMessages } from '../api/get-older-messages';
import { lastSeq } from '../lib/message-store';
import { MessageItem, PendingItem } from './MessageItem';

/** Within this distance (px) of the end, the list counts as "at the newest message". */
const BOTTOM_SLACK = 60;
/** Within this distance (px) of the top, older history is loaded. */
const TOP_SLACK = 150;
/** Messages by one author closer than this (ms) are grouped. */
const GROUP_MS = 5 * 60_000;

interface MessageListProps {
  roomId: number;
  roomName: string;
  /** My user id: my messages can be edited and deleted. */
  meId: number | null;
  /** Owners and moderators may delete anyone's message. */
  canModerate: boolean;
  /** The room's unread badge; viewing the newest message clears it. */
  unreadCount: number;
}

interface Snapshot {
  firstId: number | null;
  lastId: number | null;
  pendingCount: number;
  scrollHeight: number;
  scrollTop: number;
}

function isGrouped(prev: Message | undefined, message: Message): boolean {
  return (
    prev !== undefined &&
    !prev.deleted &&
    prev.author.id === message.author.id &&
    sameDay(prev.created_at, message.created_at) &&
    Date.parse(message.created_at) - Date.parse(prev.created_at) < GROUP_MS
  );
}

/**
 * The room's history (`role="log"`): newest page first, older pages loaded
 * when scrolled near the top (the view stays where it was), live messages
 * appended, then my pending/failed sends. Scrolled up, new messages raise a
 * "Jump to latest" button instead of moving the view. While the newest
 * message is in view and the tab visible, the read position follows it.
 */
export function MessageList({ roomId, roomName, meId, canModerate, unreadCount }: MessageListProps) {
  const realtime = useRealtime();
  const history = useMessages(roomId);
  const older = useLoadOlderMessages(roomId);
  const scroller = useRef<HTMLDivElement>(null);
  const snapshot = useRef<Snapshot | null>(null);
  const atBottomRef = useRef(true);
  const [atBottom, setAtBottom] = useState(true);
  const [unseen, setUnseen] = useState(0);

  const store = history.data;
  const items = store?.items ?? [];
  const pending = store?.pending ?? [];
  const hasOlder = store?.hasOlder ?? false;
  const newestSeq = store ? lastSeq(store) : 0;
  const firstId = items[0]?.id ?? null;
  const lastId = items[items.length - 1]?.id ?? null;
  const loadingOlder = older.isPending;
  const loadOlder = older.mutate;

  const scrollToBottom = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    atBottomRef.current = true;
    setAtBottom(true);
    setUnseen(0);
  }, []);

  // Keep the view steady across renders: see the component doc. It runs after
  // every render on purpose, comparing with the snapshot the previous one left.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !store) return;
    const prev = snapshot.current;
    if (!prev) {
      el.scrollTop = el.scrollHeight;
    } else {
      const prepended =
        prev.firstId !== null && firstId !== prev.firstId && items.findIndex((m) => m.id === prev.firstId) > 0;
      const sentMine = pending.length > prev.pendingCount;
      if (sentMine || atBottomRef.current) {
        el.scrollTop = el.scrollHeight;
      } else if (prepended) {
        el.scrollTop = prev.scrollTop + (el.scrollHeight - prev.scrollHeight);
      }
      if (!sentMine && !atBottomRef.current && lastId !== prev.lastId && prev.lastId !== null) {
        const from = items.findIndex((m) => m.id === prev.lastId);
        const added = items.slice(from + 1).filter((m) => m.author.id !== meId).length;
        if (added > 0) setUnseen((n) => n + added);
      }
    }
    snapshot.current = {
      firstId,
      lastId,
      pendingCount: pending.length,
      scrollHeight: el.scrollHeight,
      scrollTop: el.scrollTop,
    };
  });

  // A first page too short to scroll: fetch older ones until it fills (or history ends).
  useEffect(() => {
    const el = scroller.current;
    if (!el || !store || !hasOlder || loadingOlder || el.clientHeight === 0) return;
    if (el.scrollHeight <= el.clientHeight + 10) loadOlder();
  }, [store, hasOlder, loadingOlder, loadOlder]);

  // Stay at the end when the box resizes (phone keyboard, window) if we were there.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottomRef.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Read position: the newest message is in view and the page is visible.
  useEffect(() => {
    if (!atBottom || newestSeq === 0) return;
    const mark = () => {
      if (document.visibilityState === 'visible') realtime.markRead(roomId, newestSeq);
    };
    mark();
    document.addEventListener('visibilitychange', mark);
    return () => document.removeEventListener('visibilitychange', mark);
  }, [atBottom, newestSeq, roomId, realtime, unreadCount]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    atBottomRef.current = bottom;
    setAtBottom(bottom);
    if (bottom) setUnseen(0);
    if (snapshot.current) snapshot.current.scrollTop = el.scrollTop;
    if (el.scrollTop < TOP_SLACK && hasOlder && !loadingOlder) loadOlder();
  }

  function jumpToLatest() {
    scrollToBottom();
    scroller.current?.focus();
  }

  if (history.isPending) {
    return (
      <div className="message-scroller message-scroller--state" role="status">
        Loading messages…
      </div>
    );
  }
  if (history.isError) {
    return (
      <div className="message-scroller message-scroller--state" role="alert">
        <p>{errorMessage(history.error)}</p>
        <button type="button" className="button" onClick={() => void history.refetch()}>
          Try again
        </button>
      </div>
    );
  }

  return (
    <div className="message-area">
      <div
        ref={scroller}
        className="message-scroller"
        role="log"
        aria-label={`Messages in ${roomName}`}
        aria-busy={loadingOlder || undefined}
        tabIndex={0}
        onScroll={onScroll}
        data-testid="message-log"
      >
        <div className="history-edge">
          {hasOlder ? (
            <button type="button" className="button button--small" onClick={() => loadOlder()} disabled={loadingOlder}>
              {loadingOlder ? 'Loading older messages…' : 'Load older messages'}
            </button>
          ) : (
            <p className="history-start">
              This is the beginning of <strong>{roomName}</strong>.
            </p>
          )}
          {older.isError && (
            <p className="field__error" role="alert">
              {errorMessage(older.error)}
            </p>
          )}
        </div>
        <ol className="message-list">
          {items.map((message, i) => {
            const prev = items[i - 1];
            const newDay = !prev || !sameDay(prev.created_at, message.created_at);
            return (
              <MessageRow
                key={message.id}
                message={message}
                dayLabel={newDay ? formatDay(message.created_at) : null}
                compact={!newDay && isGrouped(prev, message)}
                isMine={message.author.id === meId}
                canDelete={canModerate}
                meId={meId}
              />
            );
          })}
          {pending.map((p) => (
            <PendingItem
              key={p.client_id}
              pending={p}
              onRetry={() => realtime.retryMessage(roomId, p.client_id)}
              onDiscard={() => realtime.discardMessage(roomId, p.client_id)}
            />
          ))}
        </ol>
      </div>
      {!atBottom && (
        <button type="button" className="jump-button" onClick={jumpToLatest} data-testid="jump-to-latest">
          Jump to latest{unseen > 0 ? ` (${unseen} new)` : ''} <span aria-hidden="true">↓</span>
        </button>
      )}
    </div>
  );
}

function MessageRow({
  message,
  dayLabel,
  compact,
  isMine,
  canDelete,
  meId,
}: {
  message: Message;
  dayLabel: string | null;
  compact: boolean;
  isMine: boolean;
  canDelete: boolean;
  meId: number | null;
}) {
  return (
    <>
      {dayLabel && (
        <li className="day-divider">
          <span>{dayLabel}</span>
        </li>
      )}
      <MessageItem message={message} isMine={isMine} canDelete={canDelete} compact={compact} meId={meId} />
    </>
  );
}
