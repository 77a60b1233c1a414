import { createContext, useContext, useState, type FocusEvent, type KeyboardEvent } from 'react';

/**
 * Keyboard focus in the message list. Each message is one Tab stop (its
 * `<li tabindex="0">`); the links and buttons inside it (permalink, reply
 * quote, body links, reactions, actions) are out of the Tab order
 * (`tabindex="-1"`) until focus enters the message. This follows the WAI-ARIA
 * Authoring Practices' advice on managing focus within composite widgets
 * ("Keyboard Navigation Inside Components"), as Slack's and Element's
 * message lists do:
 *
 * - on a message: ↑/↓ move to the previous/next message, Home/End to the
 *   first/last, Enter moves into the message (its first action);
 * - inside a message: Tab/Shift+Tab walk its controls, Escape goes back to
 *   the message.
 */
export const MessageFocusContext = createContext(true);

/** The tabIndex for a control inside a message: -1 while focus is not inside that message. */
export function useMessageTabIndex(): number | undefined {
  return useContext(MessageFocusContext) ? undefined : -1;
}

const FOCUSABLE = 'a[href], button:not([disabled]), textarea, input, [tabindex]';
const ROW = '[data-message-row]';

function rows(from: HTMLElement): HTMLElement[] {
  const list = from.closest('ol, ul') ?? from.ownerDocument;
  return [...list.querySelectorAll<HTMLElement>(ROW)];
}

/** Focus moved `step` rows from `row` (clamped), or to the first/last row for -Infinity/Infinity. */
function moveFocus(row: HTMLElement, step: number): void {
  const all = rows(row);
  const here = all.indexOf(row);
  const index = step === -Infinity ? 0 : step === Infinity ? all.length - 1 : here + step;
  const next = all[Math.max(0, Math.min(all.length - 1, index))];
  if (next && next !== row) {
    next.focus();
    next.scrollIntoView?.({ block: 'nearest' });
  }
}

/**
 * The props that make a message row one Tab stop with the keys above, and
 * whether focus is inside it (to give MessageFocusContext).
 */
export function useMessageRowFocus() {
  const [inside, setInside] = useState(false);

  function onFocus(event: FocusEvent<HTMLElement>) {
    setInside(event.target !== event.currentTarget);
  }

  function onBlur(event: FocusEvent<HTMLElement>) {
    if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setInside(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLElement>) {
    const row = event.currentTarget;
    if (event.target !== row) {
      // Editors, pickers and dialogs inside handle their own Escape first (and prevent the default).
      if (event.key === 'Escape' && !event.defaultPrevented) {
        event.preventDefault();
        row.focus();
      }
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const step = { ArrowUp: -1, ArrowDown: 1, Home: -Infinity, End: Infinity }[event.key];
    if (step !== undefined) {
      event.preventDefault();
      moveFocus(row, step);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const first =
        row.querySelector<HTMLElement>('.message__actions button') ??
        [...row.querySelectorAll<HTMLElement>(FOCUSABLE)].find((el) => el !== row);
      first?.focus();
    }
  }

  return {
    inside,
    rowProps: { tabIndex: 0, onFocus, onBlur, onKeyDown, 'data-message-row': '' },
  };
}
