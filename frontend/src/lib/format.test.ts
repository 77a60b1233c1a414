import { describe, expect, it } from 'vitest';
import { formatSize, shorten } from './format';

describe('shorten', () => {
  it('keeps short text and cuts long text to max characters with an ellipsis', () => {
    expect(shorten('general', 10)).toBe('general');
    expect(shorten('a'.repeat(50), 10)).toBe(`${'a'.repeat(9)}…`);
    expect([...shorten('😀'.repeat(20), 5)]).toHaveLength(5);
  });
});

describe('formatSize', () => {
  it('shows bytes, then KB/MB with one decimal under 10', () => {
    expect(formatSize(812)).toBe('812 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(14 * 1024)).toBe('14 KB');
    expect(formatSize(26_214_400)).toBe('25 MB');
    expect(formatSize(2.5 * 1024 * 1024)).toBe('2.5 MB');
  });
});
