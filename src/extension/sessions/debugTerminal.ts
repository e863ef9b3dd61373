// "QueueScope: Open JavaScript Debug Terminal": js-debug's debug terminal, with the programs
// run in it armed as an F5 launch is (trace on from the start, other libraries' queues through
// the preload). js-debug launches its terminal itself, so the debug configuration provider
// never sees it; the options go to js-debug's own command instead (debugTerminalOptions).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { debugTerminalOptions, extensionLibraryGlob } from '../../host/sessions/arm';
import type { ExtensionServices } from '../services';

export const OPEN_DEBUG_TERMINAL = 'queuescope.openDebugTerminal';
/** globalState key: the user chose "Don't Show Again" on the hint below. */
const HINT_OFF_KEY = 'queuescope.debugTerminalHint.off';
/** js-debug's command: (command?: string, folder?: WorkspaceFolder, config?: Partial<terminal launch config>). */
const JS_DEBUG_TERMINAL = 'extension.js-debug.createDebuggerTerminal';

export function registerDebugTerminal(context: vscode.ExtensionContext, services: ExtensionServices): void {
  let hinted = false;
  context.subscriptions.push(
    // A program in VS Code's own debug terminal shows no queue: say why, once per window.
    // (A program attached to, or launched unarmed, is only explained in the panel: attaching
    // to a program with no queues at all is common, and a toast each time would be noise.)
    services.sessions.onDidChangeNoHub(({ added }) => {
      if (added?.how !== 'terminal' || hinted || context.globalState.get<boolean>(HINT_OFF_KEY)) return;
      const sessionName = added.name;
      hinted = true;
      services.output.info(`${sessionName}: no QueueScope hub in this JavaScript Debug Terminal program (started without QueueScope's preload)`);
      const open = 'Open QueueScope Debug Terminal';
      const never = "Don't Show Again";
      void vscode.window
        .showInformationMessage(
          `QueueScope sees no queue in "${sessionName}": it runs in a JavaScript Debug Terminal that QueueScope did not open, so only queues of the QueueScope library would show. Run it in QueueScope's debug terminal to see p-queue, p-limit, fastq, async, stream and piscina queues too.`,
          open,
          never,
        )
        .then((choice) => {
          if (choice === open) void vscode.commands.executeCommand(OPEN_DEBUG_TERMINAL);
          else if (choice === never) void context.globalState.update(HINT_OFF_KEY, true);
        });
    }),
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
