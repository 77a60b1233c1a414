import { describe, expect, it } from 'vitest';
import { alice, makeMessage } from '@/test/factories';
import {
  addPending,
  contiguousEnd,
  emptyRoomMessages,
  firstSeq,
  firstUnreadSeq,
  isSeqGap,
  lastSeq,
  markDeleted,
  mergeMessages,
  removePending,
  replaceMessage,
  setPendingState,
  type PendingMessage,
  type RoomMessages,
} from './message-store';

const seqs = (store: RoomMessages) => store.items.map((m) => m.seq);

function pending(clientId: string, state: PendingMessage['state'] = 'pending'): PendingMessage {
  return {
    client_id: clientId,
    room: 7,
    body: 'hi',
    author: alice,
    created_at: '2024-01-01T00:00:00Z',
    state,
    error: state === 'failed' ? 'down' : null,
  };
}

describe('mergeMessages', () => {
  it('keeps messages sorted by seq whatever the arrival order', () => {
    const store = mergeMessages(emptyRoomMessages(), [makeMessage(7, 5), makeMessage(7, 2), makeMessage(7, 9)]);
    expect(seqs(store)).toEqual([2, 5, 9]);
    expect(seqs(mergeMessages(store, [makeMessage(7, 1), makeMessage(7, 6)]))).toEqual([1, 2, 5, 6, 9]);
  });

  it('deduplicates by id and returns the same store when nothing is new', () => {
    const store = mergeMessages(emptyRoomMessages(), [makeMessage(7, 1), makeMessage(7, 2)]);
    const again = mergeMessages(store, [makeMessage(7, 2), makeMessage(7, 1)]);
    expect(again).toBe(store);
    const withDuplicate = mergeMessages(store, [makeMessage(7, 2), makeMessage(7, 3), makeMessage(7, 3)]);
    expect(withDuplicate.items.map((m) => m.id)).toEqual([7001, 7002, 7003]);
  });

  it('keeps the newer copy of a message: deleted beats edited beats original', () => {
    const original = makeMessage(7, 1);
    const edited = { ...original, body: 'fixed', edited_at: '2024-01-02T00:00:00Z' };
    const deleted = { ...original, body: '', deleted: true };
    let store = mergeMessages(emptyRoomMessages(), [original]);
    store = mergeMessages(store, [edited]);
    expect(store.items[0]!.body).toBe('fixed');
    // A stale history page must not undo the edit.
    expect(mergeMessages(store, [original])).toBe(store);
    store = mergeMessages(store, [deleted]);
    expect(store.items[0]).toMatchObject({ deleted: true, body: '' });
    expect(mergeMessages(store, [edited]).items[0]!.deleted).toBe(true);
  });

  it('confirms a pending send when a message with its client_id arrives', () => {
    let store = addPending(emptyRoomMessages(), pending('c-1'));
    store = addPending(store, pending('c-2'));
    store = mergeMessages(store, [makeMessage(7, 1, { author: alice, client_id: 'c-1', body: 'hi' })]);
    expect(store.pending.map((p) => p.client_id)).toEqual(['c-2']);
    expect(store.items).toHaveLength(1);
    expect(store.items[0]!.client_id).toBe('c-1');
  });

  it('confirms a failed send too (a retry or catch-up brought the original)', () => {
    const store = addPending(emptyRoomMessages(), pending('c-9', 'failed'));
    const next = mergeMessages(store, [makeMessage(7, 4, { client_id: 'c-9' })]);
    expect(next.pending).toEqual([]);
    expect(seqs(next)).toEqual([4]);
  });
});

describe('pending sends', () => {
  it('addPending ignores a client_id that is already pending', () => {
    const store = addPending(emptyRoomMessages(), pending('a'));
    expect(addPending(store, pending('a'))).toBe(store);
  });

  it('setPendingState moves pending → failed → pending, keeping the client_id', () => {
    let store = addPending(emptyRoomMessages(), pending('a'));
    store = setPendingState(store, 'a', 'failed', 'rate limited');
    expect(store.pending[0]).toMatchObject({ client_id: 'a', state: 'failed', error: 'rate limited' });
    store = setPendingState(store, 'a', 'pending');
    expect(store.pending[0]).toMatchObject({ client_id: 'a', state: 'pending', error: null });
    expect(setPendingState(store, 'unknown', 'failed')).toBe(store);
  });

  it('removePending drops one send', () => {
    const store = addPending(addPending(emptyRoomMessages(), pending('a')), pending('b'));
    expect(removePending(store, 'a').pending.map((p) => p.client_id)).toEqual(['b']);
  });
});

describe('edits and deletes', () => {
  it('markDeleted blanks the body and keeps the seq', () => {
    const store = mergeMessages(emptyRoomMessages(), [makeMessage(7, 1), makeMessage(7, 2)]);
    const next = markDeleted(store, 7002);
    expect(next.items[1]).toMatchObject({ seq: 2, deleted: true, body: '' });
    expect(next.items[0]).toBe(store.items[0]);
    expect(markDeleted(next, 7002)).toBe(next);
    expect(markDeleted(next, 99)).toBe(next);
  });

  it('replaceMessage updates a known message and ignores unknown ones', () => {
    const store = mergeMessages(emptyRoomMessages(), [makeMessage(7, 1)]);
    const edited = makeMessage(7, 1, { body: 'new', edited_at: '2024-02-01T00:00:00Z' });
    expect(replaceMessage(store, edited).items[0]!.body).toBe('new');
    expect(replaceMessage(store, makeMessage(7, 5))).toBe(store);
  });
});

describe('cursors', () => {
  it('firstSeq / lastSeq', () => {
    expect(firstSeq(emptyRoomMessages())).toBeNull();
    expect(lastSeq(emptyRoomMessages())).toBe(0);
    const store = mergeMessages(emptyRoomMessages(), [makeMessage(7, 3), makeMessage(7, 8)]);
    expect(firstSeq(store)).toBe(3);
    expect(lastSeq(store)).toBe(8);
  });

  it('contiguousEnd stops at the first hole', () => {
    expect(contiguousEnd(emptyRoomMessages())).toBe(0);
    const full = mergeMessages(
      emptyRoomMessages(),
      [3, 4, 5].map((s) => makeMessage(7, s)),
    );
    expect(contiguousEnd(full)).toBe(5);
    const holed = mergeMessages(full, [makeMessage(7, 9)]);
    expect(contiguousEnd(holed)).toBe(5);
  });

  it('isSeqGap is true only when a message would leave a hole', () => {
    const store = mergeMessages(
      emptyRoomMessages(),
      [1, 2, 3].map((s) => makeMessage(7, s)),
    );
    expect(isSeqGap(store, makeMessage(7, 4))).toBe(false);
    expect(isSeqGap(store, makeMessage(7, 3))).toBe(false);
    expect(isSeqGap(store, makeMessage(7, 5))).toBe(true);
    expect(isSeqGap(emptyRoomMessages(), makeMessage(7, 40))).toBe(false);
    // A hole left earlier is still seen by the next message.
    const holed = mergeMessages(store, [makeMessage(7, 6)]);
    expect(isSeqGap(holed, makeMessage(7, 7))).toBe(true);
  });
});

describe('firstUnreadSeq', () => {
  it('skips system messages, which are never unread', () => {
    const items = [
      makeMessage(7, 1),
      makeMessage(7, 2, { system: 'joined', body: 'joined the room' }),
      makeMessage(7, 3, { system: 'left', body: 'left the room' }),
    ];
    expect(firstUnreadSeq(items, 1, alice.id)).toBe(1);
    expect(firstUnreadSeq(items, 2, alice.id)).toBeNull();
  });

  it("counts others' messages back from the newest", () => {
    const items = [
      makeMessage(7, 1),
      makeMessage(7, 2),
      makeMessage(7, 3, { author: alice }),
      makeMessage(7, 4, { deleted: true, body: '' }),
      makeMessage(7, 5),
    ];
    expect(firstUnreadSeq(items, 2, alice.id)).toBe(2);
    expect(firstUnreadSeq(items, 1, alice.id)).toBe(5);
    expect(firstUnreadSeq(items, 0, alice.id)).toBeNull();
    // More unread than held: older ones must be loaded first.
    expect(firstUnreadSeq(items, 4, alice.id)).toBeNull();
  });
});
