// The workspace's own copy of a sample. The demo workspace (scripts/demo.js) holds
// samples/<id>.js beside lib/ (the built library): that is the copy the user can edit, so a
// sample launched there runs it, and a call-site link into the extension's built copy opens
// it instead (issue 11). Pure: file existence is passed in, so it is unit-tested.

import * as path from 'node:path';

export interface SampleCopy {
  /** The sample program in the workspace. */
  program: string;
  /** The library it loads (`../lib`): its files are skipped when the user pauses. */
  libDir: string;
}

/** The first workspace folder that has `samples/<fileName>` and `lib/index.js`. */
export function workspaceSampleCopy(folders: readonly string[], fileName: string, exists: (file: string) => boolean): SampleCopy | undefined {
  for (const folder of folders) {
    const program = path.join(folder, 'samples', fileName);
    const libDir = path.join(folder, 'lib');
    if (exists(program) && exists(path.join(libDir, 'index.js'))) return { program, libDir };
  }
  return undefined;
}

/** `file` itself, or the workspace copy when `file` is the extension's built copy of a sample. */
export function preferWorkspaceSample(file: string, extensionPath: string, folders: readonly string[], exists: (file: string) => boolean): string {
  if (path.dirname(file) !== path.join(extensionPath, 'dist', 'samples')) return file;
  return workspaceSampleCopy(folders, path.basename(file), exists)?.program ?? file;
}
