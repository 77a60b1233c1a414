import type { ReactNode } from 'react';
import type { Room } from '../../../types/api';
import { RoomIcon } from './RoomIcon';

interface RoomHeaderProps {
  room: Room;
  membersOpen: boolean;
  onToggleMembers: () => void;
  onLeave?: () => void;
  /** Shown first (the sidebar toggle on narrow screens). */
  start?: ReactNode;
}

/** The room's name (the page's h1), topic, lock state and the Members / Leave room buttons. */
export function RoomHeader({ room, membersOpen, onToggleMembers, onLeave, start }: RoomHeaderProps) {
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
          Members <span className="count">{room.member_count}</span>
        </button>
        {onLeave && room.kind !== 'direct' && (
          <button type="button" className="button button--ghost" onClick={onLeave}>
            Leave room
          </button>
        )}
      </div>
    </header>
  );
}
