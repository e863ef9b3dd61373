// "QueueScope: Open JavaScript Debug Terminal": js-debug's debug terminal, with the programs
// run in it armed as an F5 launch is (trace on from the start, other libraries' queues through
// the preload). js-debug launches its terminal itself, so the debug configuration provider
// never sees it; the options go to js-debug's own command instead (debugTerminalOptions).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { debugTerminalOptions, extensionLibraryGlob } from '../../host/sessions/arm';
import type { ExtensionServices } from '../services';

export const OPEN_DEBUG_TERMINAL = 'queuescope.openDebugTerminal';
/** js-debug's command: (command?: string, folder?: WorkspaceFolder, config?: Partial<terminal launch config>). */
const JS_DEBUG_TERMINAL = 'extension.js-debug.createDebuggerTerminal';

export function registerDebugTerminal(context: vscode.ExtensionContext, services: ExtensionServices): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(OPEN_DEBUG_TERMINAL, async () => {
      const options = debugTerminalOptions({
        sampleIntervalMs: services.settings().sampleIntervalMs,
        extraSkipGlobs: [extensionLibraryGlob(context.extensionPath)],
        preload: path.join(context.extensionPath, 'dist', 'lib', 'register.js'),
        inheritedNodeOptions: process.env.NODE_OPTIONS,
      });
      services.output.info(`opening a JavaScript Debug Terminal armed for QueueScope (NODE_OPTIONS: ${options.env.NODE_OPTIONS ?? ''})`);
      try {
        // Activates js-debug when it is not yet (its commands are not listed before that).
        await vscode.commands.executeCommand(JS_DEBUG_TERMINAL, undefined, vscode.workspace.workspaceFolders?.[0], options);
      } catch (err) {
        services.output.error(`cannot open a JavaScript Debug Terminal: ${err instanceof Error ? err.message : String(err)}`);
        void vscode.window.showErrorMessage("QueueScope: cannot open a JavaScript Debug Terminal. It needs VS Code's built-in JavaScript debugger (ms-vscode.js-debug) enabled.");
      }
    }),
  );
}
