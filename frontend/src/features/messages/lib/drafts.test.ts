import { afterEach, describe, expect, it } from 'vitest';
import { draftKey, loadDraft, saveDraft } from './drafts';

afterEach(() => window.localStorage.clear());

describe('drafts', () => {
  it('are kept per user and room, and a blank one is forgotten', () => {
    saveDraft(draftKey(1, 7), 'half a thought');
    expect(loadDraft(draftKey(1, 7))).toBe('half a thought');
    expect(loadDraft(draftKey(2, 7))).toBe('');
    expect(loadDraft(draftKey(1, 8))).toBe('');
    saveDraft(draftKey(1, 7), '  ');
    expect(window.localStorage.getItem(draftKey(1, 7))).toBeNull();
  });
});
