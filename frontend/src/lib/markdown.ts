import type { Nodes, PhrasingContent, Root, Text } from 'mdast';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';

/**
 * The Markdown a message body may use (docs/messages.md, "Formatting"):
 * CommonMark's emphasis, code spans, fenced code, block quotes, lists, links
 * and autolinks, plus GFM's `~~strike~~` and bare-URL autolinks. These
 * CommonMark constructs are switched off in the parser, so their source
 * stays text: a chat message has no headings, images, rules, raw HTML,
 * link reference definitions or indented code (four spaces are not code).
 * GFM tables, footnotes and task lists are never parsed (their extensions are
 * not loaded).
 */
const DISABLED_CONSTRUCTS = [
  'headingAtx',
  'setextUnderline',
  'labelStartImage',
  'htmlFlow',
  'htmlText',
  'thematicBreak',
  'definition',
  'codeIndented',
];

/** The remark plugin that sets the parser to the chat subset above (used by rendering and by markdownToPlain alike). */
export function remarkChat(this: Processor): void {
  const data = this.data();
  (data.micromarkExtensions ??= []).push(gfmStrikethrough({ singleTilde: false }), gfmAutolinkLiteral(), {
    disable: { null: DISABLED_CONSTRUCTS },
  });
  (data.fromMarkdownExtensions ??= []).push(gfmStrikethroughFromMarkdown(), gfmAutolinkLiteralFromMarkdown());
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * `url` when it is an absolute http(s) or mailto URL (the only links a
 * message may carry), else null: `javascript:`, `data:`, `vbscript:`,
 * relative and protocol-relative URLs are refused. Parsed with the URL
 * standard, so case, entities already decoded by the parser, tabs and
 * newlines inside the scheme cannot smuggle another protocol past the check.
 */
export function safeHref(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return SAFE_PROTOCOLS.has(parsed.protocol) ? url : null;
}

/**
 * `@name` not after a letter, digit, `_` or `@`, as the server's
 * messaging.services.mentions_parse reads it (Unicode word characters, then
 * `. + -`). Trailing `. + -` end the sentence, not the name.
 */
const MENTION = /(?<![\p{L}\p{N}\p{M}_@])@([\p{L}\p{N}\p{M}_.+-]+)/gu;

/** `text` cut into text and `@name` runs (name without trailing `. + -`); joined they give `text` back. */
export function splitMentions(text: string): Array<{ text: string; mention: string | null }> {
  const parts: Array<{ text: string; mention: string | null }> = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    const name = (match[1] ?? '').replace(/[.+-]+$/, '');
    if (!name) continue;
    const start = match.index;
    const end = start + 1 + name.length;
    if (start > last) parts.push({ text: text.slice(last, start), mention: null });
    parts.push({ text: text.slice(start, end), mention: name });
    last = end;
  }
  if (last < text.length) parts.push({ text: text.slice(last), mention: null });
  return parts;
}

/**
 * A remark plugin: `@name` in prose becomes a `<span class="mention"
 * data-mention="name">` (never in code, whose text is not a text node, just
 * as the server mentions nobody there).
 */
export function remarkMentions() {
  return (tree: Root) => {
    const visit = (node: Nodes) => {
      if (!('children' in node)) return;
      const children: Nodes[] = [];
      for (const child of node.children) {
        if (child.type === 'text') children.push(...mentionNodes(child));
        else {
          visit(child);
          children.push(child);
        }
      }
      (node as { children: Nodes[] }).children = children;
    };
    visit(tree);
  };
}

function mentionNodes(node: Text): PhrasingContent[] {
  const parts = splitMentions(node.value);
  if (parts.length === 1 && parts[0]?.mention === null) return [node];
  return parts.map((part): PhrasingContent => {
    if (part.mention === null) return { type: 'text', value: part.text };
    // An emphasis node renamed to a span: mdast has no mention type, and hast keeps the class.
    return {
      type: 'emphasis',
      children: [{ type: 'text', value: part.text }],
      data: {
        hName: 'span',
        hProperties: { className: ['mention'], dataMention: part.mention },
      },
    };
  });
}

const plainParser = unified().use(remarkParse).use(remarkChat);

const BLOCKS = new Set(['paragraph', 'code', 'blockquote', 'list', 'listItem']);

function plainOf(node: Nodes): string {
  switch (node.type) {
    case 'text':
    case 'inlineCode':
    case 'code':
      return node.value;
    case 'break':
      return '\n';
    default:
      break;
  }
  if (!('children' in node)) return '';
  let out = '';
  for (const child of node.children) {
    const text = plainOf(child);
    if (BLOCKS.has(child.type) && out && !out.endsWith('\n')) out += '\n';
    out += text;
  }
  return out;
}

/**
 * The text a person reads in a Markdown body, without its markup: `**a**`
 * gives `a`, `[docs](https://x)` gives `docs`, code keeps its text, block
 * quotes and list items their lines. Lines are kept (`\n`); a caller that
 * wants one line collapses white space. Parsed with the same subset as the
 * rendered message (remarkChat), so what stays text there stays text here.
 * Used wherever a body is shown outside the message list: the sidebar
 * preview, desktop notifications, search results, reply excerpts.
 */
export function markdownToPlain(body: string): string {
  return plainOf(plainParser.parse(body)).trim();
}

/** markdownToPlain on one line: runs of white space (new lines too) become one space. */
export function markdownToLine(body: string): string {
  return markdownToPlain(body).replace(/\s+/g, ' ');
}
