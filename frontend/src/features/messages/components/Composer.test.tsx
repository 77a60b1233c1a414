import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '@/test/render';
import { Composer } from './Composer';

function setup() {
  const view = renderWithProviders(<Composer roomId={7} roomName="#general" />);
  const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
  return { ...view, box };
}

describe('Composer', () => {
  it('Enter sends the trimmed body and clears the box', () => {
    const { box, realtime } = setup();
    fireEvent.change(box, { target: { value: '  hello world \n' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(realtime.sendMessage).toHaveBeenCalledTimes(1);
    expect(realtime.sendMessage).toHaveBeenCalledWith(7, 'hello world', null);
    expect(box.value).toBe('');
  });

  it('Shift+Enter does not send', () => {
    const { box, realtime } = setup();
    fireEvent.change(box, { target: { value: 'line one' } });
    fireEvent.keyDown(box, { key: 'Enter', shiftKey: true });
    expect(realtime.sendMessage).not.toHaveBeenCalled();
    expect(box.value).toBe('line one');
  });

  it('a blank body cannot be sent', () => {
    const { box, realtime } = setup();
    fireEvent.change(box, { target: { value: '   \n  ' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(realtime.sendMessage).not.toHaveBeenCalled();
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('over 4000 characters after trimming is refused with a message; exactly 4000 is sent', () => {
    const { box, realtime } = setup();
    fireEvent.change(box, { target: { value: `  ${'x'.repeat(4001)}  ` } });
    expect(screen.getByRole('alert').textContent).toBe('Too long: 4001 of 4000 characters.');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(realtime.sendMessage).not.toHaveBeenCalled();

    fireEvent.change(box, { target: { value: `  ${'y'.repeat(4000)}  ` } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(realtime.sendMessage).toHaveBeenCalledWith(7, 'y'.repeat(4000), null);
  });

  it('typing notifies the room', () => {
    const { box, realtime } = setup();
    fireEvent.change(box, { target: { value: 'h' } });
    fireEvent.change(box, { target: { value: 'he' } });
    expect(realtime.notifyTyping).toHaveBeenCalledWith(7);
  });

  it('is disabled with the reason when posting is not allowed', () => {
    renderWithProviders(<Composer roomId={7} roomName="#news" disabledReason="This room is locked." />);
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    expect(box.disabled).toBe(true);
    expect(box.placeholder).toBe('This room is locked.');
    expect(screen.getByTestId('composer-disabled-reason').textContent).toBe('This room is locked.');
    expect(box.getAttribute('aria-describedby')).toBe('composer-7-help');
    expect(document.getElementById('composer-7-help')!.textContent).toBe('This room is locked.');
    expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('Composer before the history is loaded', () => {
  it('keeps the draft when the send cannot be shown yet', () => {
    const { box, realtime } = setup();
    realtime.sendMessage.mockReturnValueOnce(null);
    fireEvent.change(box, { target: { value: 'early bird' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(realtime.sendMessage).toHaveBeenCalledWith(7, 'early bird', null);
    expect(box.value).toBe('early bird');
  });

  it('keeps the unsent text under its draft key and clears it on send', () => {
    const first = renderWithProviders(<Composer roomId={7} roomName="#general" draftKey="chat.draft.1.7" />);
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'half a thought' } });
    first.unmount();
    renderWithProviders(<Composer roomId={7} roomName="#general" draftKey="chat.draft.1.7" />);
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    expect(box.value).toBe('half a thought');
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(window.localStorage.getItem('chat.draft.1.7')).toBeNull();
  });

  it('↑ in the empty box asks to edit my last message; with text it moves the caret', () => {
    const onEditLast = vi.fn();
    renderWithProviders(<Composer roomId={7} roomName="#general" onEditLast={onEditLast} />);
    const box = screen.getByLabelText('Message') as HTMLTextAreaElement;
    fireEvent.keyDown(box, { key: 'ArrowUp', shiftKey: true });
    expect(onEditLast).not.toHaveBeenCalled();
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(onEditLast).toHaveBeenCalledTimes(1);
    fireEvent.change(box, { target: { value: 'draft' } });
    fireEvent.keyDown(box, { key: 'ArrowUp' });
    expect(onEditLast).toHaveBeenCalledTimes(1);
  });

  it('Preview shows the draft rendered, and hides it again', () => {
    const { box } = setup();
    fireEvent.change(box, { target: { value: '**bold** [x](javascript:alert(1))' } });
    const toggle = screen.getByRole('button', { name: 'Preview' });
    fireEvent.click(toggle);
    expect(toggle.getAttribute('aria-pressed')).toBe('true');
    const preview = screen.getByTestId('composer-preview');
    expect(preview.querySelector('strong')?.textContent).toBe('bold');
    expect(preview.querySelector('a')).toBeNull();
    fireEvent.click(toggle);
    expect(screen.queryByTestId('composer-preview')).toBeNull();
  });
});
