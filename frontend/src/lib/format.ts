/** Formatting in the user's locale (Intl), for ISO 8601 times from the API. */

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayWithYearFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'long', day: 'numeric' });
const shortDateFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

function startOfDay(date: Date): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** "14:05" / "2:05 PM". */
export function formatTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

/** The full date and time, for tooltips. */
export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

/** "Today", "Yesterday", "Monday, March 4" or, in another year, "March 4, 2023". */
export function formatDay(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const days = Math.round((startOfDay(now) - startOfDay(date)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return date.getFullYear() === now.getFullYear() ? dayFormat.format(date) : dayWithYearFormat.format(date);
}

/** A compact stamp for lists: the time today, else the short date. */
export function formatShortStamp(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  return startOfDay(date) === startOfDay(now) ? timeFormat.format(date) : shortDateFormat.format(date);
}

/** True when both times fall on the same local day. */
export function sameDay(a: string, b: string): boolean {
  return startOfDay(new Date(a)) === startOfDay(new Date(b));
}

/**
 * `text` cut to at most `max` characters (code points), ending in "…" when
 * cut: for names in places CSS cannot ellipsize, such as a placeholder.
 */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** A byte count for people: "812 B", "14 KB", "2.5 MB" (1 KB = 1024 B, as file managers show). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = value < 10 && !Number.isInteger(Math.round(value * 10) / 10) ? 1 : 0;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** A one-line stand-in for a message's files, for previews of a message with no text: "📎 photo.png", "📎 3 files". */
export function filesLine(files: readonly { name: string }[]): string {
  if (files.length === 0) return '';
  return files.length === 1 ? `📎 ${files[0]!.name}` : `📎 ${files.length} files`;
}
