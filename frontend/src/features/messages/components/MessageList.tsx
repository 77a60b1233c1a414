import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { errorMessage } from '@/lib/api-client';
import { formatDay, sameDay } from '@/lib/format';
import { useRealtime } from '@/lib/realtime';
import type { Message } from '@/types/api';
import { useMessages } from '../api/get-messages';
import { loadMessagesAround } from '../api/get-messages-around';
import { useLoadOlderMessages } from '../api/get-older-messages';
import { countsAsUnread, firstUnreadSeq, lastSeq } from '../lib/message-store';
import { MessageItem, PendingItem } from './MessageItem';
import { SystemMessage } from './SystemMessage';

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
  /** A permalink's seq: open there, highlighted, instead of at the first unread or the newest. */
  focusSeq?: number | null;
}

/** Where the view opens: a permalink's message, the first unread one, or the end. */
type Target = { kind: 'focus'; seq: number } | { kind: 'unread'; count: number } | null;

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
    !prev.system &&
    !message.system &&
    prev.author.id === message.author.id &&
    sameDay(prev.created_at, message.created_at) &&
    Date.parse(message.created_at) - Date.parse(prev.created_at) < GROUP_MS
  );
}

/**
 * The room's history (`role="log"`): newest page first, older pages loaded
 * when scrolled near the top (the view stays where it was), live messages
 * appended, then my pending/failed sends. Scrolled up, new messages raise a
 * "Jump to latest" button instead of moving the view.
 *
 * It opens at the first unread message (older pages are loaded until it is
 * held) under a "New messages" divider that stays while the room is open,
 * with "Jump to first unread" while the divider is above the view; or, for a
 * permalink (`focusSeq`), at that message, loaded with the page around it
 * and highlighted. The read position follows what has been on screen: the
 * last message wholly in view, or the newest once the view reaches the end,
 * and only while the tab is visible.
 */
export function MessageList({ roomId, roomName, meId, canModerate, unreadCount, focusSeq = null }: MessageListProps) {
  const realtime = useRealtime();
  const queryClient = useQueryClient();
  const history = useMessages(roomId);
  const older = useLoadOlderMessages(roomId);
  const scroller = useRef<HTMLDivElement>(null);
  const snapshot = useRef<Snapshot | null>(null);
  // Captured once: the badge drops as messages are read, the divider must not move.
  const [target, setTarget] = useState<Target>(() =>
    focusSeq !== null
      ? { kind: 'focus', seq: focusSeq }
      : unreadCount > 0
        ? { kind: 'unread', count: unreadCount }
        : null,
  );
  const [dividerSeq, setDividerSeq] = useState<number | null>(null);
  const [highlightSeq, setHighlightSeq] = useState<number | null>(null);
  const [dividerAbove, setDividerAbove] = useState(false);
  const [focusError, setFocusError] = useState<string | null>(null);
  const atBottomRef = useRef(target === null);
  const [atBottom, setAtBottom] = useState(target === null);
  const [unseen, setUnseen] = useState(0);
  const [lastFocus, setLastFocus] = useState(focusSeq);
  if (focusSeq !== lastFocus) {
    // A new permalink in the same room (e.g. from search): go there.
    setLastFocus(focusSeq);
    if (focusSeq !== null) setTarget({ kind: 'focus', seq: focusSeq });
  }

  const store = history.data;
  const items = store?.items ?? [];
  const pending = store?.pending ?? [];
  const failedCount = pending.filter((p) => p.state === 'failed').length;
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

  /** Moves the read position to what has been on screen (see the component doc). */
  const markSeen = useCallback(() => {
    const el = scroller.current;
    if (!el || document.visibilityState !== 'visible' || newestSeq === 0) return;
    if (atBottomRef.current) {
      realtime.markRead(roomId, newestSeq);
      return;
    }
    const bottom = el.getBoundingClientRect().bottom;
    const nodes = el.querySelectorAll<HTMLElement>('li[data-seq]');
    for (let i = nodes.length - 1; i >= 0; i -= 1) {
      const node = nodes[i]!;
      const rect = node.getBoundingClientRect();
      if (rect.height > 0 && rect.bottom <= bottom + 1) {
        realtime.markRead(roomId, Number(node.dataset.seq));
        return;
      }
    }
  }, [newestSeq, realtime, roomId]);

  // Find where to open: the first unread message (loading older pages until
  // it is held), or a permalink's message (loading the page around it).
  useEffect(() => {
    if (!store || !target) return;
    if (target.kind === 'unread') {
      if (dividerSeq !== null) return;
      const seq = firstUnreadSeq(store.items, target.count, meId);
      if (seq !== null) setDividerSeq(seq);
      else if (hasOlder && !loadingOlder) loadOlder();
      else if (!hasOlder) setDividerSeq(store.items[0]?.seq ?? null);
      return;
    }
    if (store.items.some((m) => m.seq === target.seq)) return;
    let cancelled = false;
    setFocusError(null);
    loadMessagesAround(queryClient, roomId, target.seq).then(
      (held) => {
        if (!cancelled && !held) {
          setFocusError('That message is not in this room.');
          setTarget(null);
        }
      },
      (error: unknown) => {
        if (!cancelled) {
          setFocusError(errorMessage(error));
          setTarget(null);
        }
      },
    );
    return () => {
      cancelled = true;
    };
  }, [store, target, dividerSeq, meId, hasOlder, loadingOlder, loadOlder, queryClient, roomId]);

  // Keep the view steady across renders: see the component doc. It runs after
  // every render on purpose, comparing with the snapshot the previous one left.
  // eslint-disable-next-line react-hooks/exhaustive-deps
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || !store) return;
    const prev = snapshot.current;
    const targetSeq = target?.kind === 'focus' ? target.seq : target?.kind === 'unread' ? dividerSeq : null;
    const targetNode =
      targetSeq === null
        ? null
        : el.querySelector<HTMLElement>(
            target?.kind === 'unread' ? '[data-testid="unread-divider"]' : `li[data-seq="${targetSeq}"]`,
          );
    if (target && targetNode) {
      // Opened where it should: from here on the view is the user's.
      targetNode.scrollIntoView?.({ block: target.kind === 'unread' ? 'start' : 'center' });
      if (target.kind === 'focus') setHighlightSeq(target.seq);
      setTarget(null);
      const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
      atBottomRef.current = bottom;
      setAtBottom(bottom);
    } else if (target) {
      // Still looking for it: keep the view at the end meanwhile, but do not count that as "at the end".
      if (!prev) el.scrollTop = el.scrollHeight;
    } else if (!prev) {
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
        const added = items.slice(from + 1).filter((m) => countsAsUnread(m, meId)).length;
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

  // Read position: what is on screen, once the view is placed and while the page is visible.
  useEffect(() => {
    if (target !== null || newestSeq === 0) return;
    markSeen();
    document.addEventListener('visibilitychange', markSeen);
    return () => document.removeEventListener('visibilitychange', markSeen);
  }, [target, atBottom, newestSeq, markSeen, unreadCount]);

  function onScroll() {
    const el = scroller.current;
    if (!el) return;
    const bottom = el.scrollHeight - el.scrollTop - el.clientHeight < BOTTOM_SLACK;
    atBottomRef.current = bottom;
    setAtBottom(bottom);
    if (bottom) setUnseen(0);
    const divider = el.querySelector<HTMLElement>('[data-testid="unread-divider"]');
    setDividerAbove(divider !== null && divider.getBoundingClientRect().bottom < el.getBoundingClientRect().top);
    if (target === null) markSeen();
    if (snapshot.current) snapshot.current.scrollTop = el.scrollTop;
    if (el.scrollTop < TOP_SLACK && hasOlder && !loadingOlder) loadOlder();
  }

  function jumpToFirstUnread() {
    scroller.current
      ?.querySelector<HTMLElement>('[data-testid="unread-divider"]')
      ?.scrollIntoView?.({ block: 'start' });
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
            const divider = message.seq === dividerSeq;
            return (
              <MessageRow
                key={message.id}
                message={message}
                dayLabel={newDay ? formatDay(message.created_at) : null}
                unreadDivider={divider}
                compact={!newDay && !divider && isGrouped(prev, message)}
                isMine={message.author.id === meId}
                canDelete={canModerate}
                highlighted={message.seq === highlightSeq}
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
      {focusError && (
        <p className="field__error message-area__error" role="alert">
          {focusError}
        </p>
      )}
      {dividerSeq !== null && dividerAbove && (
        <button
          type="button"
          className="jump-button jump-button--top"
          onClick={jumpToFirstUnread}
          data-testid="jump-to-unread"
        >
          <span aria-hidden="true">↑</span> Jump to first unread
        </button>
      )}
      {failedCount > 1 && (
        <div className="failed-bar" role="group" aria-label="Messages not sent">
          <span>{failedCount} messages were not sent.</span>
          <button type="button" className="button button--small" onClick={() => realtime.retryAll(roomId)}>
            Retry all
          </button>
          <button
            type="button"
            className="button button--small button--ghost"
            onClick={() => realtime.discardAll(roomId)}
          >
            Discard all
          </button>
        </div>
      )}
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
  unreadDivider,
  compact,
  isMine,
  canDelete,
  highlighted,
  meId,
}: {
  message: Message;
  dayLabel: string | null;
  unreadDivider: boolean;
  compact: boolean;
  isMine: boolean;
  canDelete: boolean;
  highlighted: boolean;
  meId: number | null;
}) {
  return (
    <>
      {dayLabel && (
        <li className="day-divider">
          <span>{dayLabel}</span>
        </li>
      )}
      {unreadDivider && (
        <li className="day-divider unread-divider" data-testid="unread-divider">
          <span>New messages</span>
        </li>
      )}
      {message.system ? (
        <SystemMessage message={message} highlighted={highlighted} />
      ) : (
        <MessageItem
          message={message}
          isMine={isMine}
          canDelete={canDelete}
          compact={compact}
          highlighted={highlighted}
          meId={meId}
        />
      )}
    </>
  );
}
