import { splitLinks } from '@/lib/linkify';

/**
 * Renders user text as text (React escapes it; no innerHTML), with http(s)
 * URLs as links that open in a new tab without access to this page.
 */
export function LinkifiedText({ text }: { text: string }) {
  return (
    <>
      {splitLinks(text).map((part, i) =>
        part.kind === 'link' ? (
          <a key={i} href={part.href} target="_blank" rel="noopener noreferrer">
            {part.text}
          </a>
        ) : (
          <span key={i}>{part.text}</span>
        ),
      )}
    </>
  );
}
