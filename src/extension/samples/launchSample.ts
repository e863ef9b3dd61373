// Command `queuescope.launchSample` ("QueueScope: Launch Sample Scenario…"): pick a sample,
// run it under the Node debugger (no workspace needed), instrumented, and open the panel.
// Called with a sample id (walkthrough links, tests) it skips the quick pick.

import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { POLL_SKIP_GLOB, extensionLibraryGlob } from '../../host/sessions/arm';
import type { ExtensionServices } from '../services';
import { SAMPLES, findSample, type SampleEntry } from '../../host/samples/catalog';
import { sampleLaunchConfig } from '../../host/samples/launchConfig';
import { workspaceSampleCopy } from '../../host/samples/workspaceCopy';

export const LAUNCH_SAMPLE_COMMAND = 'queuescope.launchSample';
/** Registered by the panel; opened after a launch when it exists. */
const SHOW_PANEL_COMMAND = 'queuescope.showPanel';

export function registerLaunchSample(context: vscode.ExtensionContext, services: ExtensionServices): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(LAUNCH_SAMPLE_COMMAND, (id?: unknown) => launchSample(context, services, id)),
  );
}

/** Resolves true when a debug session was started. */
async function launchSample(context: vscode.ExtensionContext, services: ExtensionServices, id: unknown): Promise<boolean> {
  let sample: SampleEntry | undefined;
  if (typeof id === 'string') {
    sample = findSample(id);
    if (sample === undefined) {
      void vscode.window.showErrorMessage(`QueueScope: there is no sample named ${JSON.stringify(id)}. Samples: ${SAMPLES.map((s) => s.id).join(', ')}.`);
      return false;
    }
  } else {
    sample = await pickSample();
    if (sample === undefined) return false; // the user dismissed the quick pick
  }

  // The workspace's own copy (the demo workspace) is the one the user can edit: run it when there is one.
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const copy = workspaceSampleCopy(folders, `${sample.id}.js`, fs.existsSync);
  const config = sampleLaunchConfig(context.extensionPath, sample, POLL_SKIP_GLOB, extensionLibraryGlob(context.extensionPath), copy);
  if (!fs.existsSync(config.program)) {
    void vscode.window.showErrorMessage(`QueueScope: the sample program ${config.program} is missing; build the extension with "npm run build".`);
    return false;
  }
  services.output.info(`Launching sample ${sample.id}: ${config.program} ${config.args.join(' ')}`);
  // The top-level debug session of this launch is the model session the panel should show.
  let sessionId: string | undefined;
  const watch = vscode.debug.onDidStartDebugSession((s) => {
    if (sessionId === undefined && s.parentSession === undefined && s.configuration.name === config.name) sessionId = s.id;
  });
  const started = await vscode.debug.startDebugging(undefined, config).then((ok) => ok, (err: unknown) => {
    watch.dispose();
    throw err;
  });
  watch.dispose();
  if (!started) {
    services.output.warn(`The debug session for sample ${sample.id} did not start.`);
    return false;
  }
  // The panel is another part of the extension; open it only if it is there.
  const commands = await vscode.commands.getCommands(true);
  if (commands.includes(SHOW_PANEL_COMMAND)) await vscode.commands.executeCommand(SHOW_PANEL_COMMAND, sessionId);
  return true;
}

async function pickSample(): Promise<SampleEntry | undefined> {
  const items = SAMPLES.map((sample) => ({ label: sample.title, detail: sample.description, sample }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'QueueScope: Launch Sample Scenario',
    placeHolder: 'Choose a queue pattern to run under the debugger',
    matchOnDetail: true,
  });
  return picked?.sample;
}
