import type { ReactNode } from 'react';
import { UsersIcon } from '../../../components/Icons';
import type { Room } from '../../../types/api';
import { RoomIcon } from './RoomIcon';

interface RoomHeaderProps {
  room: Room;
  membersOpen: boolean;
  onToggleMembers: () => void;
  /** Shown first (the sidebar toggle on narrow screens). */
  start?: ReactNode;
}

/** The room's name (the page's h1), topic, lock state and the Members toggle. */
export function RoomHeader({ room, membersOpen, onToggleMembers, start }: RoomHeaderProps) {
  return (
    <header className="room-header">
      {start}
      <div className="room-header__title">
        <h1>
          <RoomIcon kind={room.kind} labelled />
          <span data-testid="room-title">{room.name}</span>
          {room.is_locked && (
            <span className="lock-tag" title="Only owners and moderators can post">
              locked
            </span>
          )}
        </h1>
        {room.topic && <p className="room-header__topic">{room.topic}</p>}
      </div>
      <div className="room-header__actions">
        <button
          type="button"
          className="button button--ghost"
          aria-pressed={membersOpen}
          aria-controls="members-panel"
          onClick={onToggleMembers}
        >
          <UsersIcon />
          <span className="room-header__label">Members</span> <span className="count">{room.member_count}</span>
        </button>
      </div>
    </header>
  );
}
