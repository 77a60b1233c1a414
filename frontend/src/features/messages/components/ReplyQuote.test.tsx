import { fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { alice } from '@/test/factories';
import type { ReplyTo } from '@/types/api';
import { ReplyQuote } from './MessageExtras';

const reply: ReplyTo = { id: 7001, seq: 1, author: alice, excerpt: 'the **first** word', deleted: false };

function Where() {
  return <output data-testid="where">{useLocation().pathname}</output>;
}

function renderAt(path: string) {
  render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route
          path="*"
          element={
            <>
              <ReplyQuote reply={reply} roomId={7} />
              <Where />
            </>
          }
        />
      </Routes>
    </MemoryRouter>,
  );
}

describe('ReplyQuote', () => {
  it("opens the original's permalink when it is not loaded, so the history around it loads", () => {
    renderAt('/rooms/7');
    const quote = screen.getByRole('button', { name: /alice\s*the first word\s*\(show the original message\)/ });
    fireEvent.click(quote);
    expect(screen.getByTestId('where').textContent).toBe('/rooms/7/m/1');
  });

  it('scrolls to and flashes the original when it is on screen, staying on the page', () => {
    const original = document.createElement('div');
    original.dataset.testid = 'message';
    original.dataset.messageId = '7001';
    original.scrollIntoView = vi.fn();
    document.body.appendChild(original);
    renderAt('/rooms/7');
    fireEvent.click(screen.getByTestId('reply-quote'));
    expect(original.scrollIntoView).toHaveBeenCalledWith({ block: 'center' });
    expect(original.classList.contains('message--flash')).toBe(true);
    expect(screen.getByTestId('where').textContent).toBe('/rooms/7');
    original.remove();
  });
});
