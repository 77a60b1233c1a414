/** The `@name` being typed just before the caret: where it starts and what is typed, or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const match = /(^|[^\w@])@([\w.+-]*)$/.exec(before);
  if (!match) return null;
  const query = match[2] ?? '';
  return { start: caret - query.length - 1, query };
}

/** Candidates for the picker: `room` first when it matches and is allowed, then names starting with the query. */
export function mentionOptions(names: readonly string[], query: string, allowRoom: boolean, limit = 8): string[] {
  const q = query.toLowerCase();
  const people = names.filter((n) => n.toLowerCase().startsWith(q)).sort((a, b) => a.localeCompare(b));
  const room = allowRoom && 'room'.startsWith(q) ? ['room'] : [];
  return [...room, ...people].slice(0, limit);
}

/** `text` with the `@query` at `start` replaced by `@name ` ; returns the new text and caret. */
export function insertMention(
  text: string,
  start: number,
  caret: number,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `;
  return { text: text.slice(0, start) + inserted + text.slice(caret), caret: start + inserted.length };
}
