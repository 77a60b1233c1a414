import { fireEvent, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithProviders } from '@/test/render';
import { clearChosenFiles } from '../lib/attachments';
import { Composer } from './Composer';
import { FileDropZone } from './FileDropZone';

afterEach(() => clearChosenFiles(7));

function setup(disabled = false) {
  renderWithProviders(
    <FileDropZone roomId={7} roomName="#general" disabled={disabled}>
      <p>the conversation</p>
      <Composer roomId={7} roomName="#general" />
    </FileDropZone>,
  );
  return screen.getByTestId('file-drop');
}

describe('FileDropZone', () => {
  it('says where dragged files go, and a drop adds them to the composer, which takes focus', () => {
    const zone = setup();
    const file = new File(['hello'], 'notes.txt');
    const dataTransfer = { types: ['Files'], files: [file], dropEffect: 'none' };
    fireEvent.dragEnter(screen.getByText('the conversation'), { dataTransfer });
    expect(zone.textContent).toContain('Drop files to send them to #general');
    fireEvent.dragOver(zone, { dataTransfer });
    fireEvent.drop(zone, { dataTransfer });
    expect(zone.textContent).not.toContain('Drop files');
    expect(screen.getAllByTestId('file-chip').map((c) => c.textContent)).toEqual(['notes.txt5 B×']);
    expect(document.activeElement).toBe(screen.getByLabelText('Message'));
  });

  it('ignores drags of text, and every drop while posting is impossible', () => {
    const zone = setup(true);
    fireEvent.dragEnter(zone, { dataTransfer: { types: ['text/plain'], files: [] } });
    expect(zone.textContent).not.toContain('Drop files');
    fireEvent.drop(zone, { dataTransfer: { types: ['Files'], files: [new File(['x'], 'a.txt')] } });
    expect(screen.queryByTestId('file-chip')).toBeNull();
  });
});
