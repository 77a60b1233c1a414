/**
 * Why I am no longer in a room, from `room.removed` (docs/protocol.md:
 * `cause` "left", "removed", "banned" or "blocked", and the moderator's
 * `reason`). Kept in the query cache under roomExitQueryKey(room) until the
 * page is reloaded, so the room's page can say it.
 */
export interface RoomExit {
  cause: 'left' | 'removed' | 'banned' | 'blocked';
  reason: string;
}

export const roomExitQueryKey = (roomId: number) => ['room-exit', roomId] as const;

/** The sentence shown to the user, or null when they left on their own. */
export function describeRoomExit(exit: RoomExit): string | null {
  switch (exit.cause) {
    case 'removed':
      return exit.reason ? `You were removed from this room (${exit.reason}).` : 'You were removed from this room.';
    case 'banned':
      return exit.reason ? `You were banned from this room (${exit.reason}).` : 'You were banned from this room.';
    case 'blocked':
      return 'You can no longer write in this conversation.';
    default:
      return null;
  }
}

/** Reads the optional `cause`/`reason` of a `room.removed` frame (older servers send neither). */
export function roomExitOf(event: { cause?: unknown; reason?: unknown }): RoomExit {
  const cause = event.cause;
  return {
    cause: cause === 'removed' || cause === 'banned' || cause === 'blocked' ? cause : 'left',
    reason: typeof event.reason === 'string' ? event.reason.trim() : '',
  };
}
