import { useId, useMemo, useState } from 'react';
import { ChevronIcon } from '@/components/Icons';
import type { Room } from '@/types/api';
import { useStarRoom } from '../api/star-room';
import { hasUnread, sidebarSections, type SectionId } from '../lib/sidebar';
import { useSidebarPrefs } from '../lib/sidebar-prefs';
import { RoomList } from './RoomList';

const EMPTY: Record<SectionId, string> = {
  starred: '',
  direct: 'No direct messages yet.',
  rooms: 'No rooms yet. Create one or browse public rooms.',
};

/**
 * My rooms in sections (Starred, Direct messages, Rooms), each under a
 * heading whose button collapses it (`aria-expanded`), with a filter box that
 * narrows every section by name and an "Unread first" toggle. The toggle and
 * the collapsed sections are kept per browser (lib/sidebar-prefs); while
 * filtering, every section with a match is shown open.
 */
export function RoomSidebar({ rooms, onNavigate }: { rooms: readonly Room[]; onNavigate?: () => void }) {
  const [prefs, updatePrefs] = useSidebarPrefs();
  const [query, setQuery] = useState('');
  const star = useStarRoom();
  const baseId = useId();
  const sections = useMemo(
    () => sidebarSections(rooms, { query, unreadFirst: prefs.unreadFirst }),
    [rooms, query, prefs.unreadFirst],
  );
  const filtering = query.trim() !== '';
  const matches = sections.reduce((total, section) => total + section.rooms.length, 0);

  function toggle(id: SectionId) {
    const collapsed = prefs.collapsed.includes(id)
      ? prefs.collapsed.filter((other) => other !== id)
      : [...prefs.collapsed, id];
    updatePrefs({ collapsed });
  }

  return (
    <div className="room-sidebar">
      <div className="room-filter">
        <label className="visually-hidden" htmlFor={`${baseId}-filter`}>
          Filter rooms and people
        </label>
        <input
          id={`${baseId}-filter`}
          className="room-filter__input"
          type="search"
          value={query}
          placeholder="Filter rooms…"
          autoComplete="off"
          data-testid="room-filter"
          onChange={(event) => setQuery(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Escape' && query) {
              event.stopPropagation();
              setQuery('');
            }
          }}
        />
        <button
          type="button"
          className="room-filter__toggle"
          aria-pressed={prefs.unreadFirst}
          data-testid="unread-first"
          onClick={() => updatePrefs({ unreadFirst: !prefs.unreadFirst })}
        >
          Unread first
        </button>
      </div>
      <p className="visually-hidden" role="status">
        {filtering ? `${matches} ${matches === 1 ? 'room matches' : 'rooms match'}` : ''}
      </p>
      {filtering && matches === 0 && <p className="sidebar__empty">No room or person matches “{query.trim()}”.</p>}
      {sections.map((section) => {
        const collapsed = !filtering && prefs.collapsed.includes(section.id);
        const unread = section.rooms.filter(hasUnread).length;
        const titleId = `${baseId}-${section.id}-title`;
        // Heard as "Rooms 190 rooms, 1 unread": the visible text, then what it means.
        const spoken = ` ${section.rooms.length === 1 ? 'room' : 'rooms'}${unread > 0 ? `, ${unread} unread` : ''}`;
        const listId = `${baseId}-${section.id}-list`;
        return (
          <section
            key={section.id}
            className="room-section"
            aria-labelledby={titleId}
            data-testid={`section-${section.id}`}
          >
            <h2 className="room-section__heading">
              <button
                type="button"
                className="room-section__toggle"
                aria-expanded={!collapsed}
                aria-controls={listId}
                onClick={() => toggle(section.id)}
              >
                <ChevronIcon />
                <span className="room-section__title" id={titleId}>
                  {section.title}
                </span>
                <span className="room-section__count">
                  {section.rooms.length}
                  <span className="visually-hidden">{spoken}</span>
                </span>
                {collapsed && unread > 0 && (
                  <span className="badge" aria-hidden="true">
                    {unread}
                  </span>
                )}
              </button>
            </h2>
            <div id={listId} hidden={collapsed}>
              {section.rooms.length > 0 ? (
                <RoomList
                  rooms={section.rooms}
                  onNavigate={onNavigate}
                  onStar={(room, starred) => star.mutate({ roomId: room.id, starred })}
                />
              ) : (
                <p className="sidebar__empty">{EMPTY[section.id]}</p>
              )}
            </div>
          </section>
        );
      })}
    </div>
  );
}
