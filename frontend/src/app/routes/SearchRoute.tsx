import { useCallback, useEffect, useId, useMemo, useRef, useState, type FormEvent } from 'react';
import { useOutletContext, useSearchParams } from 'react-router';
import { SearchIcon } from '@/components/Icons';
import { usePublicRooms } from '@/features/rooms/api/get-public-rooms';
import { useRooms } from '@/features/rooms/api/get-rooms';
import { SearchResults, type RoomLookup } from '@/features/search/components/SearchResults';
import type { Room } from '@/types/api';
import type { ChatLayoutContext } from './ChatLayout';

/** `room=` of the URL as a room id, or undefined. */
function roomParam(value: string | null): number | undefined {
  const id = Number(value);
  return value && Number.isInteger(id) && id > 0 ? id : undefined;
}

/**
 * `/search?q=TEXT&room=ID`: a search form (text, and where: every room or
 * one of mine) and the matching messages. The URL holds the search, so it
 * survives a reload and the back button.
 */
export function SearchRoute() {
  const { sidebarToggle } = useOutletContext<ChatLayoutContext>();
  const [searchParams, setSearchParams] = useSearchParams();
  const q = searchParams.get('q') ?? '';
  const room = roomParam(searchParams.get('room'));
  const [draft, setDraft] = useState(q);
  // A search started elsewhere (the sidebar) replaces what is typed here:
  // adjusted while rendering, as react.dev's "You Might Not Need an Effect" shows.
  const [draftOf, setDraftOf] = useState(q);
  if (draftOf !== q) {
    setDraftOf(q);
    setDraft(q);
  }
  const input = useRef<HTMLInputElement>(null);
  const textId = useId();
  const scopeId = useId();
  const rooms = useRooms();
  const publicRooms = usePublicRooms();

  useEffect(() => {
    document.title = q ? `Search: ${q} · Chat` : 'Search · Chat';
  }, [q]);
  useEffect(() => {
    if (!q) input.current?.focus();
  }, [q, room]);

  const known = useMemo(() => {
    const byId = new Map<number, Room>();
    for (const r of publicRooms.data ?? []) byId.set(r.id, r);
    for (const r of rooms.data ?? []) byId.set(r.id, r);
    return byId;
  }, [rooms.data, publicRooms.data]);
  const lookup = useCallback<RoomLookup>((id) => known.get(id), [known]);

  const choices = useMemo(() => {
    const mine = [...(rooms.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    const current = room !== undefined && !mine.some((r) => r.id === room) ? known.get(room) : undefined;
    return current ? [current, ...mine] : mine;
  }, [rooms.data, room, known]);

  function update(next: { q: string; room: number | undefined }) {
    const params: Record<string, string> = {};
    if (next.q) params.q = next.q;
    if (next.room !== undefined) params.room = String(next.room);
    setSearchParams(params);
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    update({ q: draft.trim(), room });
  }

  const scopeRoom = room === undefined ? undefined : known.get(room);
  const scopeName =
    room === undefined
      ? 'every room'
      : !scopeRoom
        ? 'this room'
        : scopeRoom.kind === 'direct'
          ? `your conversation with ${scopeRoom.name}`
          : `#${scopeRoom.name}`;

  return (
    <div className="room-view">
      <header className="room-header">
        {sidebarToggle}
        <div className="room-header__title">
          <h1>
            <span className="room-icon" aria-hidden="true">
              <SearchIcon size={15} />
            </span>
            Search
          </h1>
        </div>
      </header>
      <div className="search-page">
        <form role="search" aria-label="Search messages" className="search-form" onSubmit={onSubmit}>
          <div className="field search-form__text">
            <label htmlFor={textId}>Search for</label>
            <input
              ref={input}
              id={textId}
              type="search"
              value={draft}
              autoComplete="off"
              onChange={(e) => setDraft(e.target.value)}
            />
          </div>
          <div className="field search-form__scope">
            <label htmlFor={scopeId}>In</label>
            <select
              id={scopeId}
              value={room ?? ''}
              onChange={(e) => update({ q: draft.trim() || q, room: roomParam(e.target.value) })}
            >
              <option value="">All rooms</option>
              {choices.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.kind === 'direct' ? `@${r.name}` : `#${r.name}`}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button button--primary search-form__submit" disabled={!draft.trim()}>
            Search
          </button>
        </form>
        {q ? (
          <SearchResults params={{ q, room }} lookup={lookup} />
        ) : (
          <p className="search-status muted">Type a word or two to find messages in {scopeName}.</p>
        )}
      </div>
    </div>
  );
}
