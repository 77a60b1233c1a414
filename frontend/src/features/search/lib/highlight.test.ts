import { describe, expect, it } from 'vitest';
import { highlightParts, searchTerms } from './highlight';

describe('searchTerms', () => {
  it('splits on white space, drops quotes and duplicates, longest first', () => {
    expect(searchTerms('  "Deploy"  plan deploy  ')).toEqual(['deploy', 'plan']);
    expect(searchTerms('   ')).toEqual([]);
  });
});

describe('highlightParts', () => {
  it('marks every word case-insensitively and gives the text back whole', () => {
    const parts = highlightParts('Ship the SEARCH, then search again', 'search ship');
    expect(parts).toEqual([
      { text: 'Ship', match: true },
      { text: ' the ', match: false },
      { text: 'SEARCH', match: true },
      { text: ', then ', match: false },
      { text: 'search', match: true },
      { text: ' again', match: false },
    ]);
    expect(parts.map((p) => p.text).join('')).toBe('Ship the SEARCH, then search again');
  });

  it('treats regular-expression characters literally', () => {
    expect(highlightParts('cost (a+b)* here', '(a+b)*')).toEqual([
      { text: 'cost ', match: false },
      { text: '(a+b)*', match: true },
      { text: ' here', match: false },
    ]);
  });

  it('leaves text without a match, or without words, unmarked', () => {
    expect(highlightParts('nothing here', 'zebra')).toEqual([{ text: 'nothing here', match: false }]);
    expect(highlightParts('nothing here', '')).toEqual([{ text: 'nothing here', match: false }]);
    expect(highlightParts('', 'x')).toEqual([]);
  });
});
