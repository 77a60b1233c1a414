import { useEffect, useRef, useState, type ClipboardEvent, type FormEvent, type KeyboardEvent } from 'react';
import { PaperclipIcon } from '@/components/Icons';
import { formatSize, shorten } from '@/lib/format';
import { markdownToLine } from '@/lib/markdown';
import { useRealtime } from '@/lib/realtime';
import { MAX_BODY_LENGTH } from '@/types/api';
import { useLimits } from '../api/get-limits';
import { chooseFiles, clearChosenFiles, dismissRefused, unchooseFile, useChosenFiles } from '../lib/attachments';
import { loadDraft, saveDraft } from '../lib/drafts';
import { insertMention, mentionOptions, mentionQuery } from '../lib/mention-picker';
import { setReplyTarget, useReplyTarget } from '../lib/reply-target';
import { validateBody } from '../lib/validate';
import { MessageMarkdown } from './MessageMarkdown';

interface ComposerProps {
  roomId: number;
  roomName: string;
  /** Why posting is impossible (e.g. a locked room), or null. */
  disabledReason?: string | null;
  /** Where the unsent text is kept (see lib/drafts); none: not kept. */
  draftKey?: string | null;
  /** Called after a send, e.g. to scroll to the newest message. */
  onSent?: () => void;
  /** Usernames `@` offers (the room's other members), and whether `@room` is offered. */
  mentionNames?: readonly string[];
  allowRoomMention?: boolean;
  /** ↑ in the empty composer: opens my last message's editor (lib/edit-target); absent when I have none here. */
  onEditLast?: () => void;
}

/**
 * The message box: Enter sends, Shift+Enter adds a line; the body must have
 * 1–4000 characters after trimming. Typing notifies the room (throttled by
 * the realtime layer to one frame per 2 s). The unsent text is saved under
 * `draftKey` as it is typed and restored when the composer comes back.
 * The body is Markdown (docs/messages.md, "Formatting"): "Preview" shows it
 * rendered, as the room will see it, while it is typed. ↑ in the empty box
 * edits my last message (`onEditLast`).
 *
 * Files join the send through the attach button, a paste, or a drop on the
 * room (FileDropZone); each is checked against the server's limits
 * (`GET /api/limits/`) as it is added, and shown as a chip that can be
 * removed. With files the body may be empty; the send goes by REST.
 */
export function Composer({
  roomId,
  roomName,
  disabledReason = null,
  draftKey = null,
  onSent,
  mentionNames = [],
  allowRoomMention = false,
  onEditLast,
}: ComposerProps) {
  const [previewing, setPreviewing] = useState(false);
  const realtime = useRealtime();
  const [draft, setDraftState] = useState(() => (draftKey ? loadDraft(draftKey) : ''));
  const [loadedKey, setLoadedKey] = useState(draftKey);
  if (loadedKey !== draftKey) {
    // The key arrived (or changed) after mounting: show what it holds.
    setLoadedKey(draftKey);
    setDraftState(draftKey ? loadDraft(draftKey) : '');
  }
  const setDraft = (text: string) => {
    setDraftState(text);
    if (draftKey) saveDraft(draftKey, text);
  };
  const textarea = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const limits = useLimits().data;
  const chosen = useChosenFiles(roomId);
  const hasFiles = chosen.files.length > 0;
  const replyTarget = useReplyTarget(roomId);
  const [caret, setCaret] = useState(0);
  const [picked, setPicked] = useState(0);
  const [pickerClosed, setPickerClosed] = useState(false);
  const query = mentionQuery(draft, caret);
  const options = query && !pickerClosed ? mentionOptions(mentionNames, query.query, allowRoomMention) : [];
  const choice = options[Math.min(picked, options.length - 1)];

  function pick(name: string) {
    if (!query) return;
    const next = insertMention(draft, query.start, caret, name);
    setDraft(next.text);
    setCaret(next.caret);
    setPicked(0);
    requestAnimationFrame(() => textarea.current?.setSelectionRange(next.caret, next.caret));
  }
  const check = validateBody(draft);
  const tooLong = !check.ok && check.reason === 'too_long';
  const length = draft.trim().length;
  const canSend = (check.ok || (hasFiles && !tooLong)) && !disabledReason;

  useEffect(() => {
    // Grow with the text, up to the CSS max-height.
    const el = textarea.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${el.scrollHeight}px`;
  }, [draft]);

  useEffect(() => {
    if (!disabledReason && window.matchMedia?.('(min-width: 768px)').matches) textarea.current?.focus();
  }, [roomId, disabledReason]);

  function send() {
    if (!canSend) return;
    const replyTo = replyTarget?.id ?? null;
    // null: the history is not loaded yet, so there is nowhere to show the send; keep the draft.
    if (hasFiles) {
      const files = chosen.files.map((c) => c.file);
      if (realtime.sendFiles(roomId, draft.trim(), files, replyTo) === null) return;
      clearChosenFiles(roomId);
    } else if (!check.ok || realtime.sendMessage(roomId, check.body, replyTo) === null) {
      return;
    }
    setDraft('');
    setReplyTarget(roomId, null);
    onSent?.();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    send();
    textarea.current?.focus();
  }

  function onPaste(event: ClipboardEvent<HTMLTextAreaElement>) {
    const files = [...event.clipboardData.files];
    if (files.length === 0 || disabledReason) return;
    // A pasted screenshot is a file, not text to insert.
    event.preventDefault();
    chooseFiles(roomId, files, limits);
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (options.length > 0 && choice) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        const step = event.key === 'ArrowDown' ? 1 : options.length - 1;
        setPicked((options.indexOf(choice) + step) % options.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        pick(choice);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        setPickerClosed(true);
        return;
      }
    }
    if (
      event.key === 'ArrowUp' &&
      draft === '' &&
      onEditLast &&
      !event.shiftKey &&
      !event.altKey &&
      !event.ctrlKey &&
      !event.metaKey
    ) {
      event.preventDefault();
      onEditLast();
    } else if (event.key === 'Escape' && replyTarget) {
      event.preventDefault();
      setReplyTarget(roomId, null);
    } else if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form className="composer" onSubmit={onSubmit} aria-label="Send a message">
      <label htmlFor={`composer-${roomId}`} className="visually-hidden">
        Message
      </label>
      {replyTarget && (
        <div className="composer__reply" data-testid="composer-reply">
          <span>
            Replying to <strong>{replyTarget.author.username}</strong>: {shorten(markdownToLine(replyTarget.body), 80)}
          </span>
          <button
            type="button"
            className="button button--small button--ghost"
            aria-label="Cancel reply"
            onClick={() => setReplyTarget(roomId, null)}
          >
            ×
          </button>
        </div>
      )}
      {previewing && (
        <div
          id={`composer-${roomId}-preview`}
          className="composer__preview message__body"
          data-testid="composer-preview"
          dir="auto"
          aria-label="Preview"
          role="region"
        >
          {draft.trim() ? <MessageMarkdown text={draft} /> : <span className="muted">Nothing to preview yet.</span>}
        </div>
      )}
      {hasFiles && (
        <ul className="composer__files" aria-label="Files to send" data-testid="composer-files">
          {chosen.files.map(({ key, file }) => (
            <li key={key} className="file-chip" data-testid="file-chip">
              <span className="file-chip__name" title={file.name}>
                {file.name}
              </span>
              <span className="file-chip__size">{formatSize(file.size)}</span>
              <button
                type="button"
                className="file-chip__remove"
                aria-label={`Remove ${file.name}`}
                onClick={() => {
                  unchooseFile(roomId, key);
                  textarea.current?.focus();
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {chosen.refused.length > 0 && (
        <div className="composer__refused" role="alert" data-testid="composer-refused">
          <ul>
            {chosen.refused.map((text) => (
              <li key={text}>{text}</li>
            ))}
          </ul>
          <button
            type="button"
            className="button button--small button--ghost"
            aria-label="Dismiss"
            onClick={() => dismissRefused(roomId)}
          >
            ×
          </button>
        </div>
      )}
      <div className={`composer__box${tooLong ? ' is-invalid' : ''}`}>
        <textarea
          id={`composer-${roomId}`}
          data-testid="composer-input"
          ref={textarea}
          rows={1}
          value={draft}
          placeholder={disabledReason ?? `Message ${shorten(roomName, 40)}`}
          disabled={Boolean(disabledReason)}
          aria-invalid={tooLong || undefined}
          aria-describedby={`composer-${roomId}-help`}
          onChange={(e) => {
            setDraft(e.target.value);
            setCaret(e.target.selectionStart ?? e.target.value.length);
            setPickerClosed(false);
            setPicked(0);
            if (e.target.value.trim()) realtime.notifyTyping(roomId);
          }}
          onKeyDown={onKeyDown}
          onPaste={onPaste}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
          aria-controls={options.length > 0 ? `mention-picker-${roomId}` : undefined}
          aria-activedescendant={choice ? `mention-${roomId}-${choice}` : undefined}
        />
        {options.length > 0 && (
          <ul id={`mention-picker-${roomId}`} className="mention-picker" role="listbox" aria-label="Mention">
            {options.map((name) => (
              <li
                key={name}
                id={`mention-${roomId}-${name}`}
                role="option"
                aria-selected={name === choice}
                className={`mention-picker__item${name === choice ? ' is-active' : ''}`}
                data-testid="mention-option"
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(name);
                }}
              >
                @{name}
              </li>
            ))}
          </ul>
        )}
        {/* After the text in the tab order: Tab from the timeline reaches the text first. */}
        <button
          type="button"
          className="icon-button composer__attach"
          aria-label="Attach files"
          title="Attach files"
          disabled={Boolean(disabledReason)}
          onClick={() => fileInput.current?.click()}
          data-testid="composer-attach"
        >
          <PaperclipIcon />
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          hidden
          tabIndex={-1}
          data-testid="composer-file-input"
          onChange={(e) => {
            chooseFiles(roomId, [...(e.target.files ?? [])], limits);
            // Cleared so that choosing the same file again is a change too.
            e.target.value = '';
            textarea.current?.focus();
          }}
        />
        <button
          type="button"
          className="button button--ghost composer__preview-toggle"
          aria-pressed={previewing}
          aria-controls={previewing ? `composer-${roomId}-preview` : undefined}
          onClick={() => setPreviewing((on) => !on)}
          disabled={Boolean(disabledReason)}
          data-testid="composer-preview-toggle"
        >
          Preview
        </button>
        <button type="submit" className="button button--primary composer__send" disabled={!canSend}>
          Send
        </button>
      </div>
      <p id={`composer-${roomId}-help`} className={`composer__help${tooLong ? ' is-error' : ''}`}>
        {disabledReason ? (
          <span className="composer__blocked" data-testid="composer-disabled-reason">
            {disabledReason}
          </span>
        ) : tooLong ? (
          <span role="alert">
            Too long: {length} of {MAX_BODY_LENGTH} characters.
          </span>
        ) : length > MAX_BODY_LENGTH - 500 ? (
          `${length} / ${MAX_BODY_LENGTH}`
        ) : (
          <span className="composer__keys">
            Enter to send · Shift+Enter for a new line · **bold** _italic_ `code` · ↑ edits your last message
          </span>
        )}
      </p>
    </form>
  );
}
