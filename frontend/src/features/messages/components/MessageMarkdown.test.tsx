import { render } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MessageMarkdown } from './MessageMarkdown';

function renderBody(text: string): HTMLElement {
  return render(
    <div data-testid="body">
      <MessageMarkdown text={text} />
    </div>,
  ).getByTestId('body');
}

/** Markdown and HTML that must render as inert text: no script, handler, frame, image or unsafe link. */
const XSS_CORPUS = [
  '[x](javascript:alert(1))',
  '[x](JAVASCRIPT:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '[x](java%0Ascript:alert(1))',
  '[x]( javascript:alert(1) )',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](vbscript:msgbox(1))',
  '[x][ref]\n\n[ref]: javascript:alert(1)',
  '<javascript:alert(1)>',
  '<data:text/html,<script>alert(1)</script>>',
  '![x](javascript:alert(1))',
  '![x](https://x.example/i.png "t")',
  '<img src=x onerror=alert(1)>',
  '<script>alert(1)</script>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">x</a>',
  '<svg onload=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '[<img src=x onerror=alert(1)>](https://ok.example)',
  '**<b onmouseover=alert(1)>b</b>**',
  '`<script>alert(1)</script>`',
  '```html\n<script>alert(1)</script>\n```',
  '> <style>body{display:none}</style>',
  '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
  'www.example.com/"onmouseover="alert(1)',
];

describe('MessageMarkdown', () => {
  it('renders bold, italic, strike, code, quotes, lists and line breaks', () => {
    const body = renderBody('**b** _i_ ~~s~~ `c`\nnext line\n\n> q\n\n- one\n- two\n\n1. first\n\n```\nblock\n```');
    expect(body.querySelector('strong')?.textContent).toBe('b');
    expect(body.querySelector('em')?.textContent).toBe('i');
    expect(body.querySelector('del')?.textContent).toBe('s');
    expect(body.querySelector('p > code')?.textContent).toBe('c');
    expect(body.querySelector('br')).not.toBeNull();
    expect(body.querySelector('blockquote')?.textContent?.trim()).toBe('q');
    expect([...body.querySelectorAll('ul > li')].map((li) => li.textContent)).toEqual(['one', 'two']);
    expect(body.querySelector('ol > li')?.textContent).toBe('first');
    expect(body.querySelector('pre > code')?.textContent).toBe('block\n');
    expect([...body.querySelectorAll('p, li, blockquote')].every((el) => el.getAttribute('dir') === 'auto')).toBe(true);
  });

  it('opens http(s) and mailto links in a new tab without an opener', () => {
    const body = renderBody('[docs](https://docs.example/a) https://bare.example/b <mailto:bob@example.com>');
    const links = [...body.querySelectorAll('a')];
    expect(links.map((a) => [a.getAttribute('href'), a.textContent])).toEqual([
      ['https://docs.example/a', 'docs'],
      ['https://bare.example/b', 'https://bare.example/b'],
      ['mailto:bob@example.com', 'mailto:bob@example.com'],
    ]);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
  });

  it('shows a link to another scheme as the text that was typed', () => {
    const body = renderBody('try [x](javascript:alert(1)) now');
    expect(body.querySelector('a')).toBeNull();
    expect(body.textContent).toBe('try [x](javascript:alert(1)) now');
  });

  it('keeps headings, images, tables, rules and raw HTML as text', () => {
    const body = renderBody('# title\n\n![pic](https://x.example/p.png)\n\n| a |\n| - |\n| 1 |\n\n---\n\n<b>x</b>');
    expect(body.querySelector('h1, img, table, hr, b')).toBeNull();
    expect(body.textContent).toContain('# title');
    expect(body.textContent).toContain('<b>x</b>');
    expect(body.querySelector('a')?.getAttribute('href')).toBe('https://x.example/p.png');
  });

  it('marks @names outside code only', () => {
    const body = renderBody('hi @bob and `@ann`\n\n```\n@carl\n```');
    expect([...body.querySelectorAll('.mention')].map((m) => m.getAttribute('data-mention'))).toEqual(['bob']);
  });

  it.each(XSS_CORPUS)('renders %j as inert text', (text) => {
    const body = renderBody(text);
    expect(body.querySelector('script, iframe, img, svg, style, object, embed, details, b, form, input')).toBeNull();
    for (const el of body.querySelectorAll('*')) {
      for (const attr of el.attributes) expect(attr.name.startsWith('on')).toBe(false);
    }
    for (const a of body.querySelectorAll('a')) {
      expect(a.getAttribute('href')).toMatch(/^(https?:|mailto:)/i);
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
  });
});
