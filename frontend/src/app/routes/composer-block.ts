/** The composer's reason for refusing input, or null (muted first, then a lock, then loading). */
export function composerBlock(opts: {
  muted: boolean;
  lockedOut: boolean;
  historyLoaded: boolean;
  historyFailed: boolean;
}): string | null {
  if (opts.muted) return 'You are muted in this room.';
  if (opts.lockedOut) return 'This room is locked: only owners and moderators can post.';
  if (opts.historyLoaded) return null;
  return opts.historyFailed ? 'Messages could not be loaded.' : 'Loading messages…';
}
