import { useState } from 'react';
import { useNavigate } from 'react-router';
import { errorMessage } from '@/lib/api-client';
import { markdownToLine } from '@/lib/markdown';
import type { Message, ReplyTo } from '@/types/api';
import { getReactionUsers, setReaction } from '../api/reactions';
import { useMessageTabIndex } from '../lib/message-focus';
import { frequentEmoji, noteEmojiUse } from '../lib/reactions';

/**
 * The quoted message of a reply. Clicking it shows the original: scrolled to
 * and flashed when it is loaded, else through its permalink
 * (`/rooms/{room}/m/{seq}`), which loads the history around it and
 * highlights it, as a search result does.
 */
export function ReplyQuote({ reply, roomId }: { reply: ReplyTo; roomId: number }) {
  const tabIndex = useMessageTabIndex();
  const navigate = useNavigate();
  function jump() {
    const target = document.querySelector<HTMLElement>(`[data-testid="message"][data-message-id="${reply.id}"]`);
    if (!target) {
      void navigate(`/rooms/${roomId}/m/${reply.seq}`);
      return;
    }
    target.scrollIntoView({ block: 'center' });
    target.classList.add('message--flash');
    window.setTimeout(() => target.classList.remove('message--flash'), 1500);
  }
  return (
    <button
      type="button"
      className="reply-quote"
      data-testid="reply-quote"
      tabIndex={tabIndex}
      title="Show the original message"
      onClick={jump}
    >
      <span className="reply-quote__author">{reply.author.username}</span>{' '}
      <span className={reply.deleted ? 'reply-quote__excerpt is-deleted' : 'reply-quote__excerpt'}>
        {reply.deleted ? reply.excerpt : markdownToLine(reply.excerpt)}
      </span>
      <span className="visually-hidden"> (show the original message)</span>
    </button>
  );
}

/**
 * A message's reactions (`data-testid="reaction"`, toggled by click) and a
 * picker with my frequent emoji first; hovering a reaction lists who reacted.
 * Changes come back as `reaction` frames; the REST answer is not needed.
 */
export function Reactions({ message, canReact }: { message: Message; canReact: boolean }) {
  const [picking, setPicking] = useState(false);
  const [who, setWho] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const reactions = message.reactions ?? [];
  const tabIndex = useMessageTabIndex();

  function toggle(emoji: string, on: boolean) {
    setError(null);
    if (on) noteEmojiUse(emoji);
    setReaction(message.id, emoji, on).catch((e: unknown) => setError(errorMessage(e)));
  }

  function loadWho() {
    getReactionUsers(message.id)
      .then((list) => setWho(Object.fromEntries(list.map((r) => [r.emoji, r.users.map((u) => u.username).join(', ')]))))
      .catch(() => undefined);
  }

  if (reactions.length === 0 && !canReact) return null;
  return (
    <div className="reactions" data-testid="reactions">
      {reactions.map((r) => (
        <button
          key={r.emoji}
          type="button"
          className={`reaction${r.me ? ' reaction--mine' : ''}`}
          data-testid="reaction"
          data-emoji={r.emoji}
          data-count={r.count}
          aria-pressed={r.me}
          tabIndex={tabIndex}
          title={who[r.emoji] ?? ''}
          onMouseEnter={loadWho}
          onFocus={loadWho}
          disabled={!canReact}
          onClick={() => toggle(r.emoji, !r.me)}
        >
          {r.emoji} {r.count}
        </button>
      ))}
      {canReact && (
        <button
          type="button"
          className="reaction reaction--add"
          aria-label="Add reaction"
          aria-expanded={picking}
          tabIndex={tabIndex}
          data-testid="add-reaction"
          onClick={() => setPicking((p) => !p)}
        >
          +
        </button>
      )}
      {picking && (
        <div className="emoji-picker" role="menu" aria-label="Pick a reaction">
          {frequentEmoji().map((emoji) => (
            <button
              key={emoji}
              type="button"
              role="menuitem"
              className="emoji-picker__item"
              tabIndex={tabIndex}
              data-testid="emoji-option"
              onClick={() => {
                setPicking(false);
                toggle(emoji, !reactions.some((r) => r.emoji === emoji && r.me));
              }}
            >
              {emoji}
            </button>
          ))}
        </div>
      )}
      {error && (
        <span className="field__error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
}
