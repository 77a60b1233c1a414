import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { respond, stubFetch } from '@/test/http';
import { renderWithProviders } from '@/test/render';
import { clearChosenFiles } from '../lib/attachments';
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

describe('Composer with files', () => {
  const limits = { body_max: 4000, upload_max_bytes: 1024, upload_max_files: 2, upload_max_request_bytes: 4096 };

  afterEach(() => {
    clearChosenFiles(7);
    vi.unstubAllGlobals();
  });

  async function setupWithLimits() {
    const calls = stubFetch((_method, url) => (url === '/api/limits/' ? respond(200, limits) : respond(404)));
    const view = setup();
    await waitFor(() => expect(calls.map((c) => c.url)).toContain('/api/limits/'));
    // The limits have landed once a refused file can say so; give the query a tick.
    await new Promise((resolve) => setTimeout(resolve, 0));
    return view;
  }

  function choose(...files: File[]) {
    fireEvent.change(screen.getByTestId('composer-file-input'), { target: { files } });
  }

  it('the labelled attach button opens the file picker', async () => {
    await setupWithLimits();
    const input = screen.getByTestId('composer-file-input') as HTMLInputElement;
    const click = vi.spyOn(input, 'click');
    fireEvent.click(screen.getByRole('button', { name: 'Attach files' }));
    expect(click).toHaveBeenCalledTimes(1);
    expect(input.multiple).toBe(true);
  });

  it('chosen files show as chips with name and size; × removes one', async () => {
    await setupWithLimits();
    choose(new File(['hello'], 'notes.txt'), new File([new Uint8Array(1000)], 'photo.png', { type: 'image/png' }));
    const chips = screen.getAllByTestId('file-chip');
    expect(chips.map((c) => c.textContent)).toEqual(['notes.txt5 B×', 'photo.png1000 B×']);
    fireEvent.click(screen.getByRole('button', { name: 'Remove notes.txt' }));
    expect(screen.getAllByTestId('file-chip').map((c) => c.textContent)).toEqual(['photo.png1000 B×']);
  });

  it('a file over the limit is refused with a message naming it, the others are kept', async () => {
    await setupWithLimits();
    choose(new File([new Uint8Array(2048)], 'huge.zip'), new File(['x'], 'ok.txt'));
    expect(screen.getByRole('alert').textContent).toContain('huge.zip is too large (2 KB; the limit is 1 KB).');
    expect(screen.getAllByTestId('file-chip')).toHaveLength(1);
    choose(new File(['y'], 'two.txt'), new File(['z'], 'three.txt'));
    expect(screen.getByRole('alert').textContent).toContain('three.txt was not added: at most 2 files per message.');
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('with files an empty body can be sent; the files go with it and the chips clear', async () => {
    const { box, realtime } = await setupWithLimits();
    const file = new File(['hello'], 'notes.txt');
    choose(file);
    const sendButton = screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    expect(sendButton.disabled).toBe(false);
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(realtime.sendFiles).toHaveBeenCalledWith(7, '', [file], null);
    expect(realtime.sendMessage).not.toHaveBeenCalled();
    expect(screen.queryByTestId('file-chip')).toBeNull();
  });

  it('keeps the files when the send cannot be shown yet', async () => {
    const { box, realtime } = await setupWithLimits();
    realtime.sendFiles.mockReturnValueOnce(null);
    choose(new File(['hello'], 'notes.txt'));
    fireEvent.change(box, { target: { value: 'look' } });
    fireEvent.keyDown(box, { key: 'Enter' });
    expect(screen.getAllByTestId('file-chip')).toHaveLength(1);
    expect(box.value).toBe('look');
  });

  it('a pasted image joins the files instead of being inserted as text', async () => {
    const { box } = await setupWithLimits();
    const image = new File([new Uint8Array(10)], 'image.png', { type: 'image/png' });
    const notPrevented = fireEvent.paste(box, { clipboardData: { files: [image], getData: () => '' } });
    expect(notPrevented).toBe(false);
    expect(screen.getAllByTestId('file-chip').map((c) => c.textContent)).toEqual(['image.png10 B×']);
  });

  it('a locked room offers no attaching', () => {
    renderWithProviders(<Composer roomId={7} roomName="#news" disabledReason="This room is locked." />);
    expect((screen.getByRole('button', { name: 'Attach files' }) as HTMLButtonElement).disabled).toBe(true);
  });
});
