import { useTyping } from '../hooks/use-typing';
import { typingText } from '../lib/typing';

/** "alice is typing…" for ~4 s after each `typing` event; a polite live region. */
export function TypingIndicator({ roomId }: { roomId: number }) {
  const text = typingText(useTyping(roomId));
  return (
    <div className="typing-indicator" aria-live="polite" data-testid="typing-indicator">
      {text && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          {text}
        </>
      )}
    </div>
  );
}
