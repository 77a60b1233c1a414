import { Link } from 'react-router';
import { Avatar } from '@/components/Avatar';
import { errorMessage } from '@/lib/api-client';
import { formatDateTime, formatShortStamp } from '@/lib/format';
import { markdownToLine } from '@/lib/markdown';
import type { Message, RoomKind } from '@/types/api';
import { useSearchMessages, type SearchParams } from '../api/search-messages';
import { highlightParts } from '../lib/highlight';

/** How a result names its room: from the app's room lists; undefined when unknown. */
export type RoomLookup = (roomId: number) => { name: string; kind: RoomKind } | undefined;

function roomLabel(lookup: RoomLookup, roomId: number): string {
  const room = lookup(roomId);
  if (!room) return `Room ${roomId}`;
  return room.kind === 'direct' ? `@${room.name}` : `#${room.name}`;
}

function Highlighted({ text, query }: { text: string; query: string }) {
  return (
    <>
      {highlightParts(text, query).map((part, i) =>
        part.match ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>,
      )}
    </>
  );
}

function ResultItem({ message, query, lookup }: { message: Message; query: string; lookup: RoomLookup }) {
  return (
    <li data-testid="search-result" data-room-id={message.room} data-message-id={message.id}>
      <Link className="search-result" to={`/rooms/${message.room}/m/${message.seq}`}>
        <Avatar name={message.author.username} className="avatar--search" />
        <span className="search-result__main">
          <span className="search-result__meta">
            <span className="search-result__room" data-testid="search-result-room">
              {roomLabel(lookup, message.room)}
            </span>
            <span className="search-result__author" data-testid="search-result-author">
              {message.author.username}
            </span>
            <time dateTime={message.created_at} title={formatDateTime(message.created_at)}>
              {formatShortStamp(message.created_at)}
            </time>
          </span>
          {message.deleted ? (
            <span className="search-result__body is-deleted">message deleted</span>
          ) : (
            <span className="search-result__body" data-testid="search-result-body">
              <Highlighted text={markdownToLine(message.body)} query={query} />
            </span>
          )}
        </span>
      </Link>
    </li>
  );
}

/**
 * The messages matching a search (`GET /api/search/`), newest pages loaded
 * on "Show more results": each shows its room, author, time and text (as
 * text, the searched words marked) and opens its room at that message
 * (the permalink `/rooms/{id}/m/{seq}`) when clicked.
 */
export function SearchResults({ params, lookup }: { params: SearchParams; lookup: RoomLookup }) {
  const search = useSearchMessages(params);
  const query = params.q.trim();
  if (!query) return null;
  if (search.isPending)
    return (
      <p className="search-status muted" role="status">
        Searching…
      </p>
    );
  if (search.isError) {
    return (
      <div className="form-error" role="alert">
        {errorMessage(search.error)}{' '}
        <button type="button" className="link-button" onClick={() => void search.refetch()}>
          Try again
        </button>
      </div>
    );
  }
  const pages = search.data.pages;
  // Pages can overlap when new messages arrive between two requests.
  const seen = new Set<number>();
  const messages = pages.flatMap((p) => p.results).filter((m) => !seen.has(m.id) && seen.add(m.id));
  const total = pages[0]?.count;
  const shown = total ?? messages.length;
  const summary =
    shown === 0
      ? `No messages match “${query}”.`
      : `${shown}${total === undefined && search.hasNextPage ? '+' : ''} ${shown === 1 ? 'message matches' : 'messages match'} “${query}”.`;

  return (
    <div className="search-results">
      <p className="search-status muted" role="status" data-testid="search-summary">
        {summary}
      </p>
      {messages.length > 0 && (
        <ul className="search-list" aria-label="Search results">
          {messages.map((m) => (
            <ResultItem key={m.id} message={m} query={query} lookup={lookup} />
          ))}
        </ul>
      )}
      {search.hasNextPage && (
        <button
          type="button"
          className="button search-more"
          onClick={() => void search.fetchNextPage()}
          disabled={search.isFetchingNextPage}
        >
          {search.isFetchingNextPage ? 'Loading…' : 'Show more results'}
        </button>
      )}
    </div>
  );
}
