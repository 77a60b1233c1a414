import { formatDateTime, formatTime } from '@/lib/format';
import type { Message, SystemEvent } from '@/types/api';

const TEXT: Record<SystemEvent, string> = {
  joined: 'joined the room',
  added: 'was added to the room',
  left: 'left the room',
  removed: 'was removed from the room',
};

/** A system message ("alice joined the room"): one quiet line, no actions, never unread. */
export function SystemMessage({ message, highlighted }: { message: Message; highlighted: boolean }) {
  const text = message.system ? TEXT[message.system] : message.body;
  return (
    <li
      className={highlighted ? 'system-message system-message--highlighted' : 'system-message'}
      data-testid="system-message"
      data-seq={message.seq}
    >
      <span>
        <strong>{message.author.username}</strong> {text}
      </span>{' '}
      <time dateTime={message.created_at} title={formatDateTime(message.created_at)}>
        {formatTime(message.created_at)}
      </time>
    </li>
  );
}
