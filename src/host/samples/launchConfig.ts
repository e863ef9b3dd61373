// The debug configuration that runs a sample: a plain function (no vscode) so the unit
// tests check exactly what the command hands to vscode.debug.startDebugging().

import * as path from 'node:path';
import type { SampleEntry } from './catalog';
import type { SampleCopy } from './workspaceCopy';

/** The fields of a `node` launch configuration the sample launcher sets. */
export interface SampleLaunchConfig {
  type: 'node';
  request: 'launch';
  name: string;
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  console: 'internalConsole';
  skipFiles: string[];
  [key: string]: unknown;
}

/** Where the built sample lives inside the installed extension. */
export function sampleProgramPath(extensionPath: string, sample: SampleEntry): string {
  return path.join(extensionPath, 'dist', 'samples', `${sample.id}.js`);
}

/**
 * A launch configuration for `sample`. It arms tracing itself (QUEUESCOPE_TRACE=1), so a
 * sample is instrumented even when the `queuescope.autoArm` setting is off, and it skips
 * the poll expression's file and the extension's own library when the user pauses (see
 * docs/CONTRACTS.md, "The pause race"); the debug configuration provider may add more.
 * With `copy` (the workspace's own copy, see workspaceCopy.ts) it runs that one and skips
 * the library it loads as well.
 */
export function sampleLaunchConfig(extensionPath: string, sample: SampleEntry, pollSkipGlob: string, librarySkipGlob: string, copy?: SampleCopy): SampleLaunchConfig {
  const program = copy?.program ?? sampleProgramPath(extensionPath, sample);
  return {
    type: 'node',
    request: 'launch',
    name: `QueueScope sample: ${sample.title}`,
    program,
    args: [...sample.args],
    cwd: path.dirname(program),
    env: { QUEUESCOPE_TRACE: '1' },
    console: 'internalConsole',
    skipFiles: ['<node_internals>/**', pollSkipGlob, librarySkipGlob, ...(copy ? [`${copy.libDir.split(path.sep).join('/')}/**`] : [])],
  };
}
