import { describe, expect, it } from 'vitest';
import type { Limits } from '@/types/api';
import { checkFiles, isImageType, thumbnailBox } from './attachments';

const limits: Limits = { body_max: 4000, upload_max_bytes: 1000, upload_max_files: 3, upload_max_request_bytes: 2500 };

function file(name: string, size: number): File {
  return new File([new Uint8Array(size)], name);
}

describe('checkFiles', () => {
  it('accepts files within the limits', () => {
    const a = file('a.txt', 10);
    expect(checkFiles([], [a], limits)).toEqual({ accepted: [a], refused: [] });
  });

  it('refuses, by name, an empty file and one over the per-file limit', () => {
    const ok = file('ok.txt', 10);
    const result = checkFiles([], [file('empty.txt', 0), file('big.zip', 1001), ok], limits);
    expect(result.accepted).toEqual([ok]);
    expect(result.refused).toEqual(['empty.txt is empty.', 'big.zip is too large (1001 B; the limit is 1000 B).']);
  });

  it('counts the files already chosen against the count and the total', () => {
    const chosen = [file('1', 900), file('2', 900)];
    const small = file('4', 10);
    const result = checkFiles(chosen, [file('3', 800), small, file('5', 10)], limits);
    expect(result.accepted).toEqual([small]);
    expect(result.refused).toEqual([
      '3 was not added: the files of one message may total 2.4 KB.',
      '5 was not added: at most 3 files per message.',
    ]);
  });

  it('without the limits only refuses empty files (the server checks the rest)', () => {
    const big = file('big', 5000);
    expect(checkFiles([], [big, file('e', 0)], undefined)).toEqual({ accepted: [big], refused: ['e is empty.'] });
  });
});

describe('thumbnailBox', () => {
  it('keeps small images and scales large ones so no side passes 320 px', () => {
    expect(thumbnailBox(200, 100)).toEqual({ width: 200, height: 100 });
    expect(thumbnailBox(1600, 900)).toEqual({ width: 320, height: 180 });
    expect(thumbnailBox(600, 1200)).toEqual({ width: 160, height: 320 });
  });
});

describe('isImageType', () => {
  it('knows the types shown inline', () => {
    expect(['image/png', 'image/JPEG', 'image/gif', 'image/webp'].map(isImageType)).toEqual([true, true, true, true]);
    expect(['image/svg+xml', 'text/plain', 'application/pdf'].map(isImageType)).toEqual([false, false, false]);
  });
});
