import { describe, expect, it } from 'vitest';
import { alice, bob, makeMessage, makeRoom } from '@/test/factories';
import { noticeFor, titleCount } from './notify';

describe('noticeFor', () => {
  const fromBob = makeMessage(7, 1, { author: bob, body: 'hey' });

  it('notifies a mention unless the room is muted', () => {
    const rooms = [makeRoom(7, { name: 'ops' })];
    expect(noticeFor({ type: 'mention', room: 7, message: fromBob, everyone: false }, rooms, alice.id)).toEqual({
      title: `${bob.username} in ops`,
      body: 'hey',
      room: 7,
    });
    const muted = [makeRoom(7, { notification_level: 'muted' })];
    expect(noticeFor({ type: 'mention', room: 7, message: fromBob, everyone: true }, muted, alice.id)).toBeNull();
  });

  it('notifies every message of a direct room at level all, none of mine or of other rooms', () => {
    const direct = [makeRoom(7, { kind: 'direct' })];
    expect(noticeFor({ type: 'message.new', message: fromBob }, direct, alice.id)?.title).toBe(bob.username);
    expect(noticeFor({ type: 'message.new', message: fromBob }, direct, bob.id)).toBeNull();
    const quiet = [makeRoom(7, { kind: 'direct', notification_level: 'mentions' })];
    expect(noticeFor({ type: 'message.new', message: fromBob }, quiet, alice.id)).toBeNull();
    expect(noticeFor({ type: 'message.new', message: fromBob }, [makeRoom(7)], alice.id)).toBeNull();
  });
});

describe('noticeFor text', () => {
  it('is the plain text of a Markdown body, at most 200 characters', () => {
    const rooms = [makeRoom(7, { name: 'ops' })];
    const formatted = makeMessage(7, 2, { author: bob, body: `**@alice** see [the log](https://x.example) \`ok\`` });
    expect(noticeFor({ type: 'mention', room: 7, message: formatted, everyone: false }, rooms, alice.id)?.body).toBe(
      '@alice see the log ok',
    );
    const long = makeMessage(7, 3, { author: bob, body: `_${'y'.repeat(300)}_` });
    expect(noticeFor({ type: 'mention', room: 7, message: long, everyone: false }, rooms, alice.id)?.body).toBe(
      'y'.repeat(200),
    );
  });
});

describe('titleCount', () => {
  it('counts unread, but only mentions of muted rooms', () => {
    const rooms = [
      makeRoom(1, { unread_count: 3 }),
      makeRoom(2, { unread_count: 9, mention_count: 1, notification_level: 'muted' }),
    ];
    expect(titleCount(rooms)).toBe(4);
  });
});
