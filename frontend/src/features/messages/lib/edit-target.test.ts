import { describe, expect, it } from 'vitest';
import { alice, bob, makeMessage } from '@/test/factories';
import { lastEditable } from './edit-target';

describe('lastEditable', () => {
  it('is my newest message that is not deleted', () => {
    const items = [
      makeMessage(7, 1, { author: alice, body: 'mine' }),
      makeMessage(7, 2, { author: alice, body: '', deleted: true }),
      makeMessage(7, 3, { author: bob, body: 'theirs' }),
    ];
    expect(lastEditable(items, alice.id)?.seq).toBe(1);
    expect(lastEditable(items, bob.id)?.seq).toBe(3);
    expect(lastEditable(items, 99)).toBeNull();
    expect(lastEditable(items, null)).toBeNull();
  });
});
