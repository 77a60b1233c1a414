import { useState } from 'react';
import { Dialog } from '@/components/Dialog';
import { errorMessage } from '@/lib/api-client';
import type { Room } from '@/types/api';
import { usePublicRooms } from '../api/get-public-rooms';
import { useJoinRoom } from '../api/join-room';

/**
 * Every public room (`GET /api/rooms/public/`) with a "Join" button, or
 * "Open" for rooms I am already in; filterable by name.
 */
export function BrowseRoomsDialog({ onClose, onOpen }: { onClose: () => void; onOpen: (roomId: number) => void }) {
  const [filter, setFilter] = useState('');
  const rooms = usePublicRooms();
  const join = useJoinRoom();
  const needle = filter.trim().toLowerCase();
  const shown = (rooms.data ?? []).filter(
    (r) => !needle || r.name.toLowerCase().includes(needle) || r.topic.toLowerCase().includes(needle),
  );

  function onJoin(room: Room) {
    join.mutate(room.id, { onSuccess: (joined) => onOpen(joined.id) });
  }

  return (
    <Dialog title="Browse public rooms" onClose={onClose}>
      <div className="field">
        <label htmlFor="room-filter">Filter rooms</label>
        <input id="room-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      {join.error && (
        <div className="form-error" role="alert">
          {errorMessage(join.error)}
        </div>
      )}
      {rooms.isPending ? (
        <p className="muted">Loading rooms…</p>
      ) : rooms.isError ? (
        <div className="form-error" role="alert">
          {errorMessage(rooms.error)}{' '}
          <button type="button" className="link-button" onClick={() => void rooms.refetch()}>
            Try again
          </button>
        </div>
      ) : shown.length === 0 ? (
        <p className="muted">{needle ? 'No room matches.' : 'There are no public rooms yet.'}</p>
      ) : (
        <ul className="browse-list" aria-label="Public rooms">
          {shown.map((room) => {
            const joined = room.my_role !== null;
            return (
              <li key={room.id} className="browse-item" data-testid="public-room" data-room-id={room.id}>
                <div className="browse-item__text">
                  <span className="browse-item__name"># {room.name}</span>
                  <span className="browse-item__meta">
                    {room.member_count} {room.member_count === 1 ? 'member' : 'members'}
                    {room.topic ? ` · ${room.topic}` : ''}
                  </span>
                </div>
                {joined ? (
                  <button
                    type="button"
                    className="button"
                    onClick={() => onOpen(room.id)}
                    aria-label={`Open ${room.name}`}
                  >
                    Open
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button button--primary"
                    onClick={() => onJoin(room)}
                    disabled={join.isPending && join.variables === room.id}
                    aria-label={`Join ${room.name}`}
                  >
                    Join
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </Dialog>
  );
}
