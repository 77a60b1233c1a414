import { fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { Dialog } from './Dialog';

/** A dialog over a page with a text area behind it; returns its onClose spy. */
function renderDialog() {
  const onClose = vi.fn();
  render(
    <>
      <textarea aria-label="behind" />
      <Dialog title="Room settings" onClose={onClose}>
        <input aria-label="Name" />
      </Dialog>
    </>,
  );
  return onClose;
}

describe('Dialog', () => {
  it('closes on Escape even when the page behind it took the focus', () => {
    const onClose = renderDialog();
    expect(document.activeElement).toBe(screen.getByLabelText('Name'));
    const behind = screen.getByLabelText('behind');
    behind.focus();
    fireEvent.keyDown(behind, { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('closes once on Escape inside it, and not for other keys outside it', () => {
    const onClose = renderDialog();
    fireEvent.keyDown(screen.getByLabelText('Name'), { key: 'Escape' });
    expect(onClose).toHaveBeenCalledTimes(1);
    const behind = screen.getByLabelText('behind');
    behind.focus();
    fireEvent.keyDown(behind, { key: 'a' });
    expect(onClose).toHaveBeenCalledTimes(1);
  });
});
