/** A run of text, marked when it matches one of the searched words. */
export interface TextPart {
  text: string;
  match: boolean;
}

/** The searched words: split on white space, quotes dropped, longest first, no duplicates. */
export function searchTerms(query: string): string[] {
  const words = query
    .replace(/["']/g, ' ')
    .split(/\s+/)
    .map((w) => w.trim().toLowerCase())
    .filter(Boolean);
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `text` cut into runs that match a searched word (case-insensitive) and runs
 * that do not, in order; joined they give `text` back. Rendered as text
 * (with <mark> for matches), never as HTML.
 */
export function highlightParts(text: string, query: string): TextPart[] {
  const terms = searchTerms(query);
  if (terms.length === 0 || !text) return text ? [{ text, match: false }] : [];
  const pattern = new RegExp(`(${terms.map(escapeRegExp).join('|')})`, 'gi');
  return text
    .split(pattern)
    .filter((part) => part !== '')
    .map((part) => ({ text: part, match: terms.includes(part.toLowerCase()) }));
}
