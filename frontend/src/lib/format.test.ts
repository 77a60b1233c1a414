import { describe, expect, it } from 'vitest';
import { shorten } from './format';

describe('shorten', () => {
  it('keeps short text and cuts long text to max characters with an ellipsis', () => {
    expect(shorten('general', 10)).toBe('general');
    expect(shorten('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
    expect([...shorten('😀'.repeat(20), 5)]).toHaveLength(5);
  });
});
