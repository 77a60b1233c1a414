import { ApiError, errorMessage } from '@/lib/api-client';
import { useRoom } from '../api/get-room';
import { useJoinRoom } from '../api/join-room';

/**
 * Shown for a room that is not in my list: a public room offers "Join";
 * anything else (private, direct, removed, unknown) says it is not available.
 */
export function JoinRoomPrompt({ roomId }: { roomId: number }) {
  const room = useRoom(roomId);
  const join = useJoinRoom();

  if (room.isPending) return <div className="placeholder">Loading…</div>;
  if (room.isError || room.data.kind !== 'public' || room.data.my_role !== null) {
    const notFound = room.error instanceof ApiError && room.error.status === 404;
    return (
      <div className="placeholder" role="status">
        <h1>Room not available</h1>
        <p>
          {room.isError && !notFound
            ? errorMessage(room.error)
            : 'This room does not exist, or you are not a member of it.'}
        </p>
      </div>
    );
  }
  return (
    <div className="placeholder">
      <h1># {room.data.name}</h1>
      {room.data.topic && <p>{room.data.topic}</p>}
      <p>You are not a member of this public room yet.</p>
      {join.error && (
        <p className="field__error" role="alert">
          {errorMessage(join.error)}
        </p>
      )}
      <button
        type="button"
        className="button button--primary"
        onClick={() => join.mutate(roomId)}
        disabled={join.isPending}
      >
        Join
      </button>
    </div>
  );
}
