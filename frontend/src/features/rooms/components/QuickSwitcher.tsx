import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { Dialog } from '@/components/Dialog';
import type { Room } from '@/types/api';
import { usePublicRooms } from '../api/get-public-rooms';
import { hasUnread, switcherResults } from '../lib/sidebar';
import { RoomIcon } from './RoomIcon';

interface QuickSwitcherProps {
  rooms: readonly Room[];
  onClose: () => void;
  /** Opens the room (a public room not joined yet opens on its join prompt). */
  onOpen: (roomId: number) => void;
}

function unreadLabel(room: Room): string | null {
  const mentions = room.mention_count ?? 0;
  if (mentions > 0) return `@${mentions > 99 ? '99+' : mentions}`;
  if (!hasUnread(room)) return null;
  return room.unread_count > 99 ? '99+' : String(room.unread_count);
}

/**
 * The quick switcher (Ctrl+K / Cmd+K): a modal dialog whose combobox ranks my
 * rooms, my direct conversations and the public rooms I could join by name
 * (lib/sidebar `switcherResults`). Arrow keys (and Home/End) move through the
 * options, Enter opens the active one, Escape closes; the Dialog keeps focus
 * inside and gives it back on close. Public rooms load when it opens.
 */
export function QuickSwitcher({ rooms, onClose, onOpen }: QuickSwitcherProps) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const publicRooms = usePublicRooms();
  const listId = useId();
  const results = useMemo(() => switcherResults(rooms, publicRooms.data, query), [rooms, publicRooms.data, query]);
  const current = Math.min(active, Math.max(results.length - 1, 0));
  const optionId = (index: number) => `${listId}-option-${index}`;

  useEffect(() => {
    document.getElementById(`${listId}-option-${current}`)?.scrollIntoView?.({ block: 'nearest' });
  }, [current, listId]);

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    const last = results.length - 1;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (last < 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((current + step + results.length) % results.length);
    } else if ((event.key === 'Home' || event.key === 'End') && event.ctrlKey) {
      event.preventDefault();
      setActive(event.key === 'Home' ? 0 : Math.max(last, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const chosen = results[current];
      if (chosen) onOpen(chosen.room.id);
    }
  }

  return (
    <Dialog title="Jump to a room" onClose={onClose}>
      <div className="switcher">
        <label className="visually-hidden" htmlFor={`${listId}-input`}>
          Room or person
        </label>
        <input
          id={`${listId}-input`}
          className="switcher__input"
          type="text"
          role="combobox"
          aria-expanded={results.length > 0}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={results.length > 0 ? optionId(current) : undefined}
          placeholder="Type a room or person…"
          autoComplete="off"
          spellCheck={false}
          value={query}
          data-testid="switcher-input"
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(0);
          }}
          onKeyDown={onKeyDown}
        />
        <p className="visually-hidden" role="status">
          {results.length === 0 ? 'No matches' : `${results.length} ${results.length === 1 ? 'match' : 'matches'}`}
        </p>
        <ul className="switcher__list" id={listId} role="listbox" aria-label="Rooms and people">
          {results.map((item, index) => {
            const badge = unreadLabel(item.room);
            return (
              <li
                key={item.room.id}
                id={optionId(index)}
                role="option"
                aria-selected={index === current}
                className={`switcher__option${index === current ? ' is-active' : ''}`}
                data-testid="switcher-option"
                data-room-id={item.room.id}
                onMouseDown={(event) => event.preventDefault()}
                onMouseMove={() => index !== current && setActive(index)}
                onClick={() => onOpen(item.room.id)}
              >
                <RoomIcon kind={item.room.kind} labelled />
                <span className="switcher__name" dir="auto">
                  {item.room.name}
                </span>
                {!item.joined && <span className="switcher__hint">Join</span>}
                {item.room.starred && <span className="visually-hidden">, starred</span>}
                {badge && (
                  <span className={`badge${badge.startsWith('@') ? ' badge--mention' : ''}`}>
                    <span aria-hidden="true">{badge}</span>
                    <span className="visually-hidden">
                      ,{' '}
                      {badge.startsWith('@')
                        ? `${item.room.mention_count} mentions`
                        : `${item.room.unread_count} unread`}
                    </span>
                  </span>
                )}
              </li>
            );
          })}
        </ul>
        {results.length === 0 && (
          <p className="switcher__empty">{query.trim() ? `Nothing matches “${query.trim()}”.` : 'No rooms yet.'}</p>
        )}
        <p className="switcher__help" aria-hidden="true">
          ↑ ↓ to move · Enter to open · Esc to close
        </p>
      </div>
    </Dialog>
  );
}
