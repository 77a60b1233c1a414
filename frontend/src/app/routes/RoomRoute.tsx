import { useEffect, useState, type ReactNode } from 'react';
import { useNavigate, useOutletContext, useParams } from 'react-router';
import { useUser } from '../../features/auth/api/get-user';
import { Composer } from '../../features/messages/components/Composer';
import { useMessages } from '../../features/messages/api/get-messages';
import { MessageList } from '../../features/messages/components/MessageList';
import { TypingIndicator } from '../../features/messages/components/TypingIndicator';
import { useRooms } from '../../features/rooms/api/get-rooms';
import { useLeaveRoom } from '../../features/rooms/api/leave-room';
import { JoinRoomPrompt } from '../../features/rooms/components/JoinRoomPrompt';
import { MembersPanel } from '../../features/rooms/components/MembersPanel';
import { RoomHeader } from '../../features/rooms/components/RoomHeader';
import { errorMessage } from '../../lib/api-client';
import { pushNotice } from '../../lib/notices';
import type { Room } from '../../types/api';
import type { ChatLayoutContext } from './ChatLayout';

const WIDE = '(min-width: 1100px)';

/** `/rooms/:roomId`: the room if it is one of mine, else a Join prompt or "not available". */
export function RoomRoute() {
  const { roomId: param } = useParams();
  const roomId = Number(param);
  const { sidebarToggle } = useOutletContext<ChatLayoutContext>();
  const rooms = useRooms();
  const room = rooms.data?.find((r) => r.id === roomId);

  if (!Number.isInteger(roomId) || roomId <= 0) {
    return (
      <div className="room-view">
        <header className="room-header room-header--bare">{sidebarToggle}</header>
        <div className="placeholder">
          <h1>Room not available</h1>
        </div>
      </div>
    );
  }
  if (!room) {
    return (
      <div className="room-view">
        <header className="room-header room-header--bare">{sidebarToggle}</header>
        {rooms.isPending ? <div className="placeholder">Loading…</div> : <JoinRoomPrompt roomId={roomId} />}
      </div>
    );
  }
  return <RoomView key={room.id} room={room} sidebarToggle={sidebarToggle} />;
}

function RoomView({ room, sidebarToggle }: { room: Room; sidebarToggle: ReactNode }) {
  const user = useUser();
  const navigate = useNavigate();
  const leave = useLeaveRoom();
  const [membersOpen, setMembersOpen] = useState(() => window.matchMedia?.(WIDE).matches ?? false);
  const canModerate = room.my_role === 'owner' || room.my_role === 'moderator';
  const lockedOut = room.is_locked && !canModerate;
  const history = useMessages(room.id);
  // A send shows up in the loaded history, so the composer waits for it rather than
  // swallowing an Enter pressed while the room is still loading.
  const composerDisabledReason = lockedOut
    ? 'This room is locked: only owners and moderators can post.'
    : history.data
      ? null
      : history.isError
        ? 'Messages could not be loaded.'
        : 'Loading messages…';

  useEffect(() => {
    document.title = `${room.name} · Chat`;
  }, [room.name]);

  function onLeave() {
    leave.mutate(room.id, {
      onSuccess: () => void navigate('/'),
      onError: (error) => pushNotice(errorMessage(error)),
    });
  }

  return (
    <div className={`room-view${membersOpen ? ' room-view--members' : ''}`}>
      <RoomHeader
        room={room}
        start={sidebarToggle}
        membersOpen={membersOpen}
        onToggleMembers={() => setMembersOpen((open) => !open)}
      />
      <div className="room-body">
        <div className="room-main">
          <MessageList
            roomId={room.id}
            roomName={room.name}
            meId={user.data?.pk ?? null}
            canModerate={canModerate}
            unreadCount={room.unread_count}
          />
          <TypingIndicator roomId={room.id} />
          <Composer
            roomId={room.id}
            roomName={room.kind === 'direct' ? room.name : `#${room.name}`}
            disabledReason={composerDisabledReason}
          />
        </div>
        {membersOpen && (
          <div id="members-panel" className="room-aside">
            <button type="button" className="icon-button room-aside__close" aria-label="Hide members" onClick={() => setMembersOpen(false)}>
              ×
            </button>
            <MembersPanel roomId={room.id} canAdd={room.kind === 'private' && canModerate} />
            {room.kind !== 'direct' && (
              <button type="button" className="button button--block leave-button" onClick={onLeave} disabled={leave.isPending}>
                Leave room
              </button>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
