import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { Avatar } from '@/components/Avatar';
import { errorMessage } from '@/lib/api-client';
import { useConnectionStatus } from '@/lib/realtime';
import { formatDateTime, formatTime } from '@/lib/format';
import type { Message } from '@/types/api';
import { useDeleteMessage } from '../api/delete-message';
import { useEditMessage } from '../api/edit-message';
import { setEditTarget, useEditTarget } from '../lib/edit-target';
import { MessageFocusContext, useMessageRowFocus, useMessageTabIndex } from '../lib/message-focus';
import type { PendingMessage } from '../lib/message-store';
import { mentionsMe } from '../lib/reactions';
import { setReplyTarget } from '../lib/reply-target';
import { validateBody } from '../lib/validate';
import { MessageAttachments, PendingAttachments } from './Attachments';
import { Reactions, ReplyQuote } from './MessageExtras';
import { MessageMarkdown } from './MessageMarkdown';

/** A message's permalink (see app/router): opens the room at that message. */
export function messagePath(message: { room: number; seq: number }): string {
  return `/rooms/${message.room}/m/${message.seq}`;
}

function Meta({
  author,
  createdAt,
  edited,
  compact,
  permalink = null,
}: {
  author: string;
  createdAt: string;
  edited: boolean;
  compact: boolean;
  /** The time links here (not in a compact row, whose hover time carries the link). */
  permalink?: string | null;
}) {
  const tabIndex = useMessageTabIndex();
  return (
    <div className={`message__meta${compact ? ' visually-hidden' : ''}`}>
      <span className="message__author" dir="auto">
        {author}
      </span>{' '}
      {permalink && !compact ? (
        <Link className="message__time" to={permalink} data-testid="message-permalink" tabIndex={tabIndex}>
          <time dateTime={createdAt} title={formatDateTime(createdAt)}>
            {formatTime(createdAt)}
          </time>
        </Link>
      ) : (
        <time className="message__time" dateTime={createdAt} title={formatDateTime(createdAt)}>
          {formatTime(createdAt)}
        </time>
      )}
      {edited && (
        <span className="message__edited" data-testid="message-edited">
          {' '}
          (edited)
        </span>
      )}
    </div>
  );
}

interface MessageItemProps {
  message: Message;
  isMine: boolean;
  canDelete: boolean;
  /** Same author as the message above, shortly after it: no avatar or name line. */
  compact: boolean;
  /** The message a permalink opened (`data-highlighted`). */
  highlighted?: boolean;
  /** My user id: messages that mention me are highlighted. */
  meId?: number | null;
  /** Whether I may post (and so react and reply) here. */
  canPost?: boolean;
}

/**
 * One confirmed message (`data-testid="message"`, `data-seq`, `data-state="sent"`):
 * a deleted one shows "message deleted", an edited one "(edited)". My own
 * messages can be edited (PATCH) and deleted (DELETE) in place; owners and
 * moderators may delete any.
 */
export function MessageItem({
  message,
  isMine,
  canDelete,
  compact,
  highlighted = false,
  meId = null,
  canPost = true,
}: MessageItemProps) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.body);
  const [confirming, setConfirming] = useState(false);
  const edit = useEditMessage();
  const remove = useDeleteMessage();
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  const { inside, rowProps } = useMessageRowFocus();
  const innerTabIndex = inside ? undefined : -1;

  // ↑ in the room's empty composer asked for this message (lib/edit-target): open the editor.
  const editRequested = useEditTarget(message.room) === message.id && isMine && !message.deleted;
  const [openedFromComposer, setOpenedFromComposer] = useState(false);
  const returnToComposer = useRef(false);
  if (editRequested && !openedFromComposer) {
    setOpenedFromComposer(true);
    setDraft(message.body);
    setEditing(true);
  }

  // Leaving the editor puts focus back where the edit began: the composer after ↑, else the Edit button.
  useEffect(() => {
    if (wasEditing.current && !editing) {
      if (returnToComposer.current) document.getElementById(`composer-${message.room}`)?.focus();
      else editButton.current?.focus();
      returnToComposer.current = false;
    }
    wasEditing.current = editing;
  }, [editing, message.room]);

  function stopEditing() {
    setEditing(false);
    returnToComposer.current = openedFromComposer;
    if (openedFromComposer) {
      setOpenedFromComposer(false);
      setEditTarget(message.room, null);
    }
  }
  const edited = message.edited_at !== null && !message.deleted;
  const check = validateBody(draft);

  function startEdit() {
    setDraft(message.body);
    edit.reset();
    setEditing(true);
  }

  function save(event?: FormEvent) {
    event?.preventDefault();
    if (!check.ok) return;
    if (check.body === message.body) {
      stopEditing();
      return;
    }
    edit.mutate({ id: message.id, body: check.body }, { onSuccess: stopEditing });
  }

  function onEditKey(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Escape') {
      event.preventDefault();
      stopEditing();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      save();
    }
  }

  return (
    <li
      className={`message${compact ? ' message--compact' : ''}${isMine ? ' message--mine' : ''}${message.deleted ? ' message--deleted' : ''}${mentionsMe(message, meId) ? ' message--mentions-me' : ''}${highlighted ? ' message--highlighted' : ''}`}
      data-highlighted={highlighted || undefined}
      {...rowProps}
      data-testid="message"
      data-seq={message.seq}
      data-message-id={message.id}
      data-state="sent"
      data-author={message.author.username}
      data-deleted={message.deleted || undefined}
    >
      <MessageFocusContext.Provider value={inside}>
        <div className="message__gutter">
          {compact ? (
            <Link
              className="message__hover-time"
              to={messagePath(message)}
              data-testid="message-permalink"
              tabIndex={innerTabIndex}
            >
              <time dateTime={message.created_at} title={formatDateTime(message.created_at)}>
                {formatTime(message.created_at)}
              </time>
            </Link>
          ) : (
            <Avatar name={message.author.username} />
          )}
        </div>
        <div className="message__content">
          <Meta
            author={message.author.username}
            createdAt={message.created_at}
            edited={edited}
            compact={compact}
            permalink={messagePath(message)}
          />
          {message.reply_to && <ReplyQuote reply={message.reply_to} roomId={message.room} />}
          {editing ? (
            <form className="message__edit" onSubmit={save}>
              <label className="visually-hidden" htmlFor={`edit-${message.id}`}>
                Edit message
              </label>
              <textarea
                id={`edit-${message.id}`}
                value={draft}
                autoFocus
                rows={Math.min(8, draft.split('\n').length)}
                onChange={(e) => setDraft(e.target.value)}
                onKeyDown={onEditKey}
              />
              <div className="message__edit-actions">
                <span className="muted">Escape to cancel · Enter to save</span>
                <button type="button" className="button button--small" onClick={stopEditing}>
                  Cancel
                </button>
                <button
                  type="submit"
                  className="button button--small button--primary"
                  disabled={!check.ok || edit.isPending}
                >
                  Save
                </button>
              </div>
              {edit.error && (
                <p className="field__error" role="alert">
                  {errorMessage(edit.error)}
                </p>
              )}
            </form>
          ) : message.deleted ? (
            <p className="message__body message__body--deleted" data-testid="message-deleted">
              message deleted
            </p>
          ) : message.body || !message.attachments?.length ? (
            <div className="message__body" data-testid="message-body" dir="auto">
              <MessageMarkdown text={message.body} />
              {compact && edited && <span className="message__edited"> (edited)</span>}
            </div>
          ) : null}
          {!message.deleted && message.attachments && <MessageAttachments attachments={message.attachments} />}
          {!message.deleted && <Reactions message={message} canReact={canPost} />}
          {confirming && (
            <div className="message__confirm" role="group" aria-label="Delete this message?">
              <span>Delete this message?</span>
              <button
                type="button"
                className="button button--small button--danger"
                tabIndex={innerTabIndex}
                disabled={remove.isPending}
                onClick={() =>
                  remove.mutate(
                    { id: message.id, room: message.room, seq: message.seq },
                    { onSuccess: () => setConfirming(false) },
                  )
                }
              >
                Confirm delete
              </button>
              <button
                type="button"
                className="button button--small"
                tabIndex={innerTabIndex}
                onClick={() => setConfirming(false)}
              >
                Cancel
              </button>
              {remove.error && (
                <span className="field__error" role="alert">
                  {errorMessage(remove.error)}
                </span>
              )}
            </div>
          )}
        </div>
        {!message.deleted && !editing && !confirming && (isMine || canDelete || canPost) && (
          <div className="message__actions">
            {canPost && (
              <button
                type="button"
                className="button button--small button--ghost"
                tabIndex={innerTabIndex}
                onClick={() => setReplyTarget(message.room, message)}
                aria-label="Reply"
                data-testid="reply-button"
              >
                Reply
              </button>
            )}
            {isMine && (
              <button
                ref={editButton}
                type="button"
                className="button button--small button--ghost"
                tabIndex={innerTabIndex}
                onClick={startEdit}
                aria-label="Edit message"
              >
                Edit
              </button>
            )}
            {(isMine || canDelete) && (
              <button
                type="button"
                className="button button--small button--ghost"
                tabIndex={innerTabIndex}
                onClick={() => setConfirming(true)}
                aria-label="Delete message"
              >
                Delete
              </button>
            )}
          </div>
        )}
      </MessageFocusContext.Provider>
    </li>
  );
}

interface PendingItemProps {
  pending: PendingMessage;
  onRetry: () => void;
  onDiscard: () => void;
}

/**
 * A send not yet confirmed (`data-state="pending"`: "Sending…", or "Waiting
 * for the connection…" while the socket is down; "Uploading…" for one with
 * files, which goes by REST) or refused
 * (`data-state="failed"`, with the reason, "Retry" — same client_id — and "Discard").
 */
export function PendingItem({ pending, onRetry, onDiscard }: PendingItemProps) {
  const failed = pending.state === 'failed';
  const online = useConnectionStatus() === 'open';
  const author = pending.author?.username ?? 'You';
  const { inside, rowProps } = useMessageRowFocus();
  const innerTabIndex = inside ? undefined : -1;
  return (
    <li
      className={`message message--mine message--${pending.state}`}
      {...rowProps}
      data-testid="message"
      data-state={pending.state}
      data-client-id={pending.client_id}
      data-author={author}
    >
      <div className="message__gutter">
        <Avatar name={author} />
      </div>
      <div className="message__content">
        <Meta author={author} createdAt={pending.created_at} edited={false} compact={false} />
        {(pending.body || !pending.files?.length) && (
          <div className="message__body" data-testid="message-body" dir="auto">
            <MessageFocusContext.Provider value={inside}>
              <MessageMarkdown text={pending.body} />
            </MessageFocusContext.Provider>
          </div>
        )}
        {pending.files && pending.files.length > 0 && <PendingAttachments files={pending.files} />}
        {failed ? (
          <div className="message__failed" role="alert">
            <span>{pending.error ?? 'Not sent.'}</span>
            <button type="button" className="button button--small" tabIndex={innerTabIndex} onClick={onRetry}>
              Retry
            </button>
            <button
              type="button"
              className="button button--small button--ghost"
              tabIndex={innerTabIndex}
              onClick={onDiscard}
            >
              Discard
            </button>
          </div>
        ) : (
          <p className="message__sending">
            {pending.files ? 'Uploading…' : online ? 'Sending…' : 'Waiting for the connection…'}
          </p>
        )}
      </div>
    </li>
  );
}
