import { describe, expect, it } from 'vitest';
import { describeRoomExit, roomExitOf } from './room-exit';

describe('room exits', () => {
  it('names the moderation action and its reason', () => {
    expect(describeRoomExit(roomExitOf({ cause: 'banned', reason: 'spam' }))).toBe(
      'You were banned from this room (spam).',
    );
    expect(describeRoomExit(roomExitOf({ cause: 'removed', reason: '' }))).toBe('You were removed from this room.');
  });

  it('says nothing when I left, or the server sent no cause', () => {
    expect(describeRoomExit(roomExitOf({ cause: 'left' }))).toBeNull();
    expect(describeRoomExit(roomExitOf({}))).toBeNull();
  });
});
