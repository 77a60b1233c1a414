import type { ReactNode } from 'react';
import { GearIcon, LockIcon, SearchIcon, UsersIcon } from '@/components/Icons';
import type { Room } from '@/types/api';
import { RoomIcon } from './RoomIcon';

interface RoomHeaderProps {
  room: Room;
  membersOpen: boolean;
  onToggleMembers: () => void;
  /** Shown first (the sidebar toggle on narrow screens). */
  start?: ReactNode;
  /** Opens the room settings; the button is shown only when given (owners and moderators). */
  onOpenSettings?: () => void;
  /** Starts a search limited to this room; the button is shown only when given. */
  onSearchRoom?: () => void;
}

/**
 * The room's name (the page's h1), topic and lock state, and its buttons:
 * "Search in this room", "Room settings" (owners and moderators) and the
 * Members toggle. On narrow screens the buttons show their icons alone.
 */
export function RoomHeader({
  room,
  membersOpen,
  onToggleMembers,
  start,
  onOpenSettings,
  onSearchRoom,
}: RoomHeaderProps) {
  return (
    <header className="room-header">
      {start}
      <div className="room-header__title">
        <h1>
          <RoomIcon kind={room.kind} labelled />
          <span data-testid="room-title" dir="auto">
            {room.name}
          </span>
          {room.is_locked && (
            <span className="lock-tag" data-testid="room-locked" title="Only owners and moderators can post">
              <LockIcon size={11} />
              locked
            </span>
          )}
        </h1>
        {room.topic && (
          <p className="room-header__topic" data-testid="room-topic" title={room.topic}>
            {room.topic}
          </p>
        )}
      </div>
      <div className="room-header__actions">
        {onSearchRoom && (
          <button type="button" className="button button--ghost" title="Search in this room" onClick={onSearchRoom}>
            <SearchIcon />
            <span className="room-header__label room-header__label--roomy">Search in this room</span>
          </button>
        )}
        {onOpenSettings && (
          <button
            type="button"
            className="button button--ghost"
            title="Room settings"
            aria-haspopup="dialog"
            onClick={onOpenSettings}
          >
            <GearIcon />
            <span className="room-header__label room-header__label--roomy">Room settings</span>
          </button>
        )}
        <button
          type="button"
          className="button button--ghost"
          aria-pressed={membersOpen}
          aria-controls={membersOpen ? 'members-panel' : undefined}
          onClick={onToggleMembers}
        >
          <UsersIcon />
          <span className="room-header__label">Members</span> <span className="count">{room.member_count}</span>
        </button>
      </div>
    </header>
  );
}
