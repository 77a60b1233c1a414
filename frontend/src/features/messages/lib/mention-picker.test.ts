import { describe, expect, it } from 'vitest';
import { insertMention, mentionOptions, mentionQuery } from './mention-picker';

describe('mention picker', () => {
  it('finds the @name before the caret, not in an email address', () => {
    expect(mentionQuery('hi @bo', 6)).toEqual({ start: 3, query: 'bo' });
    expect(mentionQuery('@', 1)).toEqual({ start: 0, query: '' });
    expect(mentionQuery('mail bob@ex', 11)).toBeNull();
    expect(mentionQuery('hi @bob there', 13)).toBeNull();
  });

  it('offers room first when allowed, then matching names', () => {
    expect(mentionOptions(['rob', 'alice', 'Rita'], 'r', true)).toEqual(['room', 'Rita', 'rob']);
    expect(mentionOptions(['rob'], 'r', false)).toEqual(['rob']);
  });

  it('inserts the picked name with a space', () => {
    expect(insertMention('hi @bo!', 3, 6, 'bob')).toEqual({ text: 'hi @bob !', caret: 8 });
  });
});
