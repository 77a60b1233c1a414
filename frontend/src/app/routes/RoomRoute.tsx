import { useQuery } from '@tanstack/react-query';
import { useEffect, useState, type ReactNode } from 'react';
import { useNavigate, useOutletContext, useParams } from 'react-router';
import { useUser } from '@/features/auth/api/get-user';
import { Composer } from '@/features/messages/components/Composer';
import { FileDropZone } from '@/features/messages/components/FileDropZone';
import { useMessages } from '@/features/messages/api/get-messages';
import { MessageList } from '@/features/messages/components/MessageList';
import { draftKey } from '@/features/messages/lib/drafts';
import { lastEditable, setEditTarget } from '@/features/messages/lib/edit-target';
import { TypingIndicator } from '@/features/messages/components/TypingIndicator';
import { useMembers } from '@/features/rooms/api/get-members';
import { useRooms } from '@/features/rooms/api/get-rooms';
import { useLeaveRoom } from '@/features/rooms/api/leave-room';
import { JoinRoomPrompt } from '@/features/rooms/components/JoinRoomPrompt';
import { BansDialog } from '@/features/rooms/components/BansDialog';
import { MembersPanel } from '@/features/rooms/components/MembersPanel';
import { RoomHeader } from '@/features/rooms/components/RoomHeader';
import { RoomSettingsDialog } from '@/features/rooms/components/RoomSettingsDialog';
import { canManageRoom } from '@/features/rooms/lib/permissions';
import { describeRoomExit, roomExitQueryKey, type RoomExit } from '@/features/rooms/lib/room-exit';
import { errorMessage } from '@/lib/api-client';
import { pushNotice } from '@/lib/notices';
import type { Room } from '@/types/api';
import type { ChatLayoutContext } from './ChatLayout';
import { composerBlock } from './composer-block';

const WIDE = '(min-width: 1100px)';

/**
 * `/rooms/:roomId`: the room if it is one of mine; else, when a moderator
 * just took me out of it, why ("You were banned from this room (spam)");
 * else a Join prompt or "not available".
 */
export function RoomRoute() {
  const { roomId: param, seq: seqParam } = useParams();
  const roomId = Number(param);
  const seq = seqParam === undefined ? null : Number(seqParam);
  const focusSeq = seq !== null && Number.isInteger(seq) && seq > 0 ? seq : null;
  const { sidebarToggle } = useOutletContext<ChatLayoutContext>();
  const rooms = useRooms();
  const room = rooms.data?.find((r) => r.id === roomId);
  // Written by the realtime layer on `room.removed`; never fetched.
  const exit = useQuery<RoomExit | null>({
    queryKey: roomExitQueryKey(roomId),
    queryFn: () => null,
    enabled: false,
    staleTime: Infinity,
  }).data;
  const exitText = exit ? describeRoomExit(exit) : null;

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
  if (!room && exitText) {
    return (
      <div className="room-view">
        <header className="room-header room-header--bare">{sidebarToggle}</header>
        <div className="placeholder" role="alert" data-testid="room-exit">
          <h1>{exitText}</h1>
          <p>Its messages are no longer shown to you. Pick another room from the list.</p>
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
  return <RoomView key={room.id} room={room} sidebarToggle={sidebarToggle} focusSeq={focusSeq} />;
}

function RoomView({
  room,
  sidebarToggle,
  focusSeq,
}: {
  room: Room;
  sidebarToggle: ReactNode;
  focusSeq: number | null;
}) {
  const user = useUser();
  const navigate = useNavigate();
  const leave = useLeaveRoom();
  const [membersOpen, setMembersOpen] = useState(() => window.matchMedia?.(WIDE).matches ?? false);
  const [dialog, setDialog] = useState<'settings' | 'bans' | null>(null);
  const meId = user.data?.pk ?? null;
  const canModerate = room.my_role === 'owner' || room.my_role === 'moderator';
  const manager = canManageRoom(room);
  const history = useMessages(room.id);
  // My own `muted` flag lives in the member list, kept live by `member.updated`.
  const members = useMembers(room.id);
  const muted = members.data?.some((m) => m.user.id === meId && m.muted) ?? false;
  // A send shows up in the loaded history, so the composer waits for it rather than
  // swallowing an Enter pressed while the room is still loading.
  const composerDisabledReason = composerBlock({
    muted,
    lockedOut: room.is_locked && !canModerate,
    historyLoaded: history.data !== undefined,
    historyFailed: history.isError,
  });

  const lastMine = lastEditable(history.data?.items ?? [], meId);
  const roomLabel = room.kind === 'direct' ? room.name : `#${room.name}`;

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
        onOpenSettings={manager ? () => setDialog('settings') : undefined}
        onSearchRoom={() => void navigate(`/search?room=${room.id}`)}
      />
      <div className="room-body">
        <FileDropZone
          className="room-main"
          roomId={room.id}
          roomName={roomLabel}
          disabled={composerDisabledReason !== null}
        >
          <MessageList
            roomId={room.id}
            roomName={room.name}
            meId={meId}
            canModerate={canModerate}
            unreadCount={room.unread_count}
            focusSeq={focusSeq}
          />
          <TypingIndicator roomId={room.id} />
          <Composer
            roomId={room.id}
            roomName={roomLabel}
            disabledReason={composerDisabledReason}
            draftKey={meId === null ? null : draftKey(meId, room.id)}
            mentionNames={(members.data ?? []).filter((m) => m.user.id !== meId).map((m) => m.user.username)}
            allowRoomMention={room.kind !== 'direct' && (room.allow_room_mentions !== false || canModerate)}
            onEditLast={lastMine ? () => setEditTarget(room.id, lastMine.id) : undefined}
          />
        </FileDropZone>
        {membersOpen && (
          <div id="members-panel" className="room-aside">
            <button
              type="button"
              className="icon-button room-aside__close"
              aria-label="Hide members"
              onClick={() => setMembersOpen(false)}
            >
              ×
            </button>
            <MembersPanel room={room} meId={meId} onShowBans={manager ? () => setDialog('bans') : undefined} />
            {room.kind !== 'direct' && (
              <button
                type="button"
                className="button button--block leave-button"
                onClick={onLeave}
                disabled={leave.isPending}
              >
                Leave room
              </button>
            )}
          </div>
        )}
      </div>
      {dialog === 'settings' && <RoomSettingsDialog room={room} onClose={() => setDialog(null)} />}
      {dialog === 'bans' && <BansDialog room={room} onClose={() => setDialog(null)} />}
    </div>
  );
}
