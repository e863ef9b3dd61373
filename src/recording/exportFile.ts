// Streams a recording file through an exporter into an output file: read -> export ->
// write with back-pressure -> atomic rename. Bounded memory for any recording size.

import * as fs from 'node:fs';
import { once } from 'node:events';
import type { LineExporter } from './exporter';
import { readRecording, type ReadProgress, type ReadResult } from './reader';
import { tempPathFor } from './writer';

export interface ExportFileOptions {
  onProgress?: (progress: ReadProgress) => void;
  signal?: AbortSignal;
  /** Read only the first `length` bytes of the input (see ReadOptions.length). */
  length?: number;
}

export async function exportRecordingFile(input: string, output: string, exporter: LineExporter, options: ExportFileOptions = {}): Promise<ReadResult> {
  const temp = tempPathFor(output);
  const out = fs.createWriteStream(temp, { flags: 'wx' });
  const write = async (text: string): Promise<void> => {
    if (text && !out.write(text)) await once(out, 'drain');
  };
  try {
    await write(exporter.begin());
    const result = await readRecording(input, {
      signal: options.signal,
      length: options.length,
      onProgress: options.onProgress,
      onLines: async (lines) => {
        let text = '';
        for (const line of lines) text += exporter.push(line);
        await write(text);
      },
    });
    await write(exporter.end());
    out.end();
    await once(out, 'finish');
    await fs.promises.rename(temp, output);
    return result;
  } catch (err) {
    out.destroy();
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
}
