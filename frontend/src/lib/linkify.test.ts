import { describe, expect, it } from 'vitest';
import { splitLinks } from './linkify';

describe('splitLinks', () => {
  it('links http and https URLs and keeps the rest as text', () => {
    expect(splitLinks('see https://a.example/x?y=1 and http://b.example.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://a.example/x?y=1', href: 'https://a.example/x?y=1' },
      { kind: 'text', text: ' and ' },
      { kind: 'link', text: 'http://b.example', href: 'http://b.example/' },
      { kind: 'text', text: '.' },
    ]);
  });

  it('never links other schemes', () => {
    expect(splitLinks('javascript:alert(1) data:text/html,x ftp://f.example')).toEqual([
      { kind: 'text', text: 'javascript:alert(1) data:text/html,x ftp://f.example' },
    ]);
  });

  it('drops a closing parenthesis that is not part of the URL, keeps one that is', () => {
    expect(splitLinks('(see https://x.example/a)')[1]).toEqual({
      kind: 'link',
      text: 'https://x.example/a',
      href: 'https://x.example/a',
    });
    expect(splitLinks('https://en.example/wiki/Foo_(bar)')[0]).toMatchObject({
      text: 'https://en.example/wiki/Foo_(bar)',
    });
  });
});
