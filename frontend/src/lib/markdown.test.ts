import { describe, expect, it } from 'vitest';
import { markdownToLine, markdownToPlain, safeHref, splitMentions } from './markdown';

describe('safeHref', () => {
  it('keeps absolute http, https and mailto URLs', () => {
    expect(safeHref('https://a.example/x?y=1')).toBe('https://a.example/x?y=1');
    expect(safeHref('http://b.example')).toBe('http://b.example');
    expect(safeHref('mailto:bob@example.com')).toBe('mailto:bob@example.com');
    expect(safeHref('HTTPS://C.example')).toBe('HTTPS://C.example');
  });

  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml;base64,PHN2Zz4=',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://f.example',
    '//evil.example/x',
    '/rooms/1',
    'relative/path',
    '',
  ])('refuses %j', (url) => {
    expect(safeHref(url)).toBeNull();
  });
});

describe('markdownToPlain', () => {
  it('drops the marks and keeps the words', () => {
    expect(markdownToPlain('**bold** _it_ *it2* ~~gone~~ `x = 1`')).toBe('bold it it2 gone x = 1');
    expect(markdownToPlain('see [the docs](https://docs.example) or <https://a.example>')).toBe(
      'see the docs or https://a.example',
    );
  });

  it('keeps one line per block and per typed new line', () => {
    expect(markdownToPlain('> quoted\n\n- one\n- two\n\nline a\nline b')).toBe('quoted\none\ntwo\nline a\nline b');
    expect(markdownToPlain('```js\nconst a = 1;\nconst b = 2;\n```')).toBe('const a = 1;\nconst b = 2;');
    expect(markdownToLine('**a**\n\n_b_\nc')).toBe('a b c');
  });

  it('leaves what the chat does not format as typed', () => {
    expect(markdownToPlain('# not a heading')).toBe('# not a heading');
    expect(markdownToPlain('![alt](https://x.example/i.png)')).toBe('!alt');
    expect(markdownToPlain('<b>raw</b> <img src=x onerror=alert(1)>')).toBe('<b>raw</b> <img src=x onerror=alert(1)>');
    expect(markdownToPlain('| a | b |\n| - | - |\n| 1 | 2 |')).toBe('| a | b |\n| - | - |\n| 1 | 2 |');
    expect(markdownToPlain('    four spaces')).toBe('four spaces');
    expect(markdownToPlain('~one tilde~')).toBe('~one tilde~');
  });

  it('decodes character references once and keeps plain text plain', () => {
    expect(markdownToPlain('fish &amp; chips &lt;3')).toBe('fish & chips <3');
    expect(markdownToPlain('just words, @bob.')).toBe('just words, @bob.');
    expect(markdownToPlain('')).toBe('');
  });
});

describe('splitMentions', () => {
  it('cuts @names the way the server reads them', () => {
    expect(splitMentions('hi @bob. and @ann-b, mail bob@example.com @@x')).toEqual([
      { text: 'hi ', mention: null },
      { text: '@bob', mention: 'bob' },
      { text: '. and ', mention: null },
      { text: '@ann-b', mention: 'ann-b' },
      { text: ', mail bob@example.com @@x', mention: null },
    ]);
    expect(splitMentions('@zoë!')).toEqual([
      { text: '@zoë', mention: 'zoë' },
      { text: '!', mention: null },
    ]);
  });
});
