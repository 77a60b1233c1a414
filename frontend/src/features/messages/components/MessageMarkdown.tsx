import { createContext, useContext, type ComponentProps, type ReactNode } from 'react';
import Markdown, { type Components, type ExtraProps } from 'react-markdown';
import remarkBreaks from 'remark-breaks';
import { remarkChat, remarkMentions, safeHref } from '@/lib/markdown';
import { useMessageTabIndex } from '../lib/message-focus';

/** What the rendered elements may be: the chat subset (lib/markdown) and nothing else. */
const ALLOWED_ELEMENTS = ['p', 'br', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a', 'span'];

const REMARK_PLUGINS = [remarkChat, remarkBreaks, remarkMentions];

/** The body's Markdown source, for a refused link to show as it was typed. */
const Body = createContext('');

/** The characters of the source the element came from (its position), or its children when it has none. */
function sourceOf(node: ExtraProps['node'], source: string, fallback: ReactNode): ReactNode {
  const start = node?.position?.start.offset;
  const end = node?.position?.end.offset;
  return start !== undefined && end !== undefined ? source.slice(start, end) : fallback;
}

function ChatLink({ href, children, node }: ComponentProps<'a'> & ExtraProps) {
  const source = useContext(Body);
  const tabIndex = useMessageTabIndex();
  // urlTransform dropped the href: not an http(s) or mailto URL, so the link's source shows as text.
  if (!href) return <>{sourceOf(node, source, children)}</>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer" tabIndex={tabIndex}>
      {children}
    </a>
  );
}

function Mention({ children, ...props }: ComponentProps<'span'> & ExtraProps) {
  const name = (props as { 'data-mention'?: string })['data-mention'];
  return name === undefined ? (
    <span>{children}</span>
  ) : (
    <span className="mention" data-mention={name}>
      {children}
    </span>
  );
}

const COMPONENTS: Components = {
  a: ChatLink,
  span: Mention,
  p: ({ children }) => <p dir="auto">{children}</p>,
  li: ({ children }) => <li dir="auto">{children}</li>,
  blockquote: ({ children }) => <blockquote dir="auto">{children}</blockquote>,
  pre: ({ children }) => <pre dir="ltr">{children}</pre>,
};

function urlTransform(url: string): string | null {
  return safeHref(url);
}

/**
 * A message body rendered as the chat's Markdown subset (docs/messages.md,
 * "Formatting"; the parser's subset is lib/markdown's remarkChat). Raw HTML
 * is never rendered (the parser keeps it as text, and react-markdown would
 * drop it); links open in a new tab without access to this page, and a
 * link to anything but http(s) or mailto shows its source as text. `@names`
 * outside code are marked (`<span class="mention" data-mention="name">`).
 * Block elements carry `dir="auto"`, so each paragraph takes the direction of
 * its own text; code blocks stay left to right.
 */
export function MessageMarkdown({ text }: { text: string }) {
  return (
    <Body.Provider value={text}>
      <Markdown
        remarkPlugins={REMARK_PLUGINS}
        allowedElements={ALLOWED_ELEMENTS}
        unwrapDisallowed
        skipHtml
        urlTransform={urlTransform}
        components={COMPONENTS}
      >
        {text}
      </Markdown>
    </Body.Provider>
  );
}
