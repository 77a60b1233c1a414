import { NavLink } from 'react-router';
import { StarIcon } from '@/components/Icons';
import { filesLine, formatShortStamp } from '@/lib/format';
import { markdownToLine } from '@/lib/markdown';
import type { Room } from '@/types/api';
import { RoomIcon } from './RoomIcon';

function preview(room: Room): string {
  const message = room.last_message;
  if (!message) return room.kind === 'direct' ? 'Say hello 👋' : room.topic || 'No messages yet';
  if (message.deleted) return 'message deleted';
  const text = markdownToLine(message.body) || filesLine(message.attachments ?? []);
  return room.kind === 'direct' ? text : `${message.author.username}: ${text}`;
}

interface RoomListProps {
  rooms: readonly Room[];
  onNavigate?: () => void;
  /** Shows a star toggle beside each room. */
  onStar?: (room: Room, starred: boolean) => void;
  id?: string;
}

/**
 * Rooms as links: name, last-message preview, time and an unread badge; a
 * direct room's other member shows a presence dot. Each link's name is what
 * it shows: the room, "(online)" or "(offline)" for a direct room, the time,
 * the preview and ", N unread". With `onStar`, a toggle button (`aria-pressed`) beside each link
 * stars or unstars the room.
 */
export function RoomList({ rooms, onNavigate, onStar, id }: RoomListProps) {
  return (
    <ul className="room-list" id={id}>
      {rooms.map((room) => {
        // A muted room shows no unread badge, but its mentions still count.
        const unread = room.notification_level === 'muted' ? 0 : room.unread_count;
        const mentions = room.mention_count ?? 0;
        const starred = room.starred ?? false;
        return (
          <li key={room.id} className="room-list__item">
            <NavLink
              to={`/rooms/${room.id}`}
              className={({ isActive }) =>
                `room-link${isActive ? ' room-link--active' : ''}${unread > 0 ? ' room-link--unread' : ''}`
              }
              data-testid="room-link"
              data-room-id={room.id}
              data-room-name={room.name}
              data-unread={unread}
              data-starred={starred}
              onClick={onNavigate}
            >
              <RoomIcon kind={room.kind} />
              <span className="room-link__main">
                <span className="room-link__top">
                  {room.kind === 'direct' && room.peer_online != null && (
                    <span
                      className={`presence-dot${room.peer_online ? ' is-online' : ''}`}
                      data-testid="peer-presence"
                      data-online={room.peer_online}
                      aria-hidden="true"
                    />
                  )}
                  <span className="room-link__name" dir="auto">
                    {room.name}
                  </span>
                  {room.kind === 'direct' && room.peer_online != null && (
                    <span className="visually-hidden">{room.peer_online ? ' (online)' : ' (offline)'}</span>
                  )}
                  {room.last_message && (
                    <span className="room-link__time">{formatShortStamp(room.last_message.created_at)}</span>
                  )}
                </span>
                <span className="room-link__bottom">
                  <span className={`room-link__preview${room.last_message?.deleted ? ' is-deleted' : ''}`} dir="auto">
                    {preview(room)}
                  </span>
                  {mentions > 0 && (
                    <span
                      className="badge badge--mention"
                      data-testid="mention-badge"
                      aria-label={`${mentions} mentions`}
                    >
                      @{mentions > 99 ? '99+' : mentions}
                    </span>
                  )}
                  {unread > 0 && mentions === 0 && (
                    <span className="badge" data-testid="unread-badge">
                      <span aria-hidden="true">{unread > 99 ? '99+' : unread}</span>
                      <span className="visually-hidden">, {unread} unread</span>
                    </span>
                  )}
                </span>
              </span>
            </NavLink>
            {onStar && (
              <button
                type="button"
                className={`star-button${starred ? ' is-starred' : ''}`}
                aria-pressed={starred}
                aria-label={`Star ${room.name}`}
                title={starred ? 'Unstar' : 'Star'}
                data-testid="star-button"
                onClick={() => onStar(room, !starred)}
              >
                <StarIcon filled={starred} />
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );
}
