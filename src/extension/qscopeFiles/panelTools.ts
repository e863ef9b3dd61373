// The host side of the panel's recording tools (src/webview/recordingTools.ts): the time
// cursor's questions, PNG export of the chart, and "Save" from the panel. The panel host
// (src/extension/panel/panel.ts) hands these validated messages to us.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { CursorMessage, CursorStateMessage, ExportPngMessage, WaiterInfo } from '../../protocol/webview';
import { cursorState } from '../../recording/cursor';
import { decodePngDataUrl } from '../../recording/png';
import type { WaitIndex } from '../../recording/waitIndex';
import { tempPathFor } from '../../recording/writer';
import type { ExtensionServices } from '../services';
import { RECORDING_COMMANDS } from './commands';
import { mb } from './load';

export interface PanelRecordingTools {
  cursor(msg: CursorMessage): CursorStateMessage | undefined;
  exportPng(msg: ExportPngMessage): Promise<void>;
  saveRecording(session: string): Promise<void>;
}

export function makePanelTools(services: ExtensionServices, waitIndexOf: (session: string) => WaitIndex | undefined): PanelRecordingTools {
  return {
    cursor(msg) {
      if (!services.model.session(msg.session)) return undefined;
      const state = cursorState(services.model, msg.session, msg.start + msg.t, waitIndexOf(msg.session));
      const waiters: WaiterInfo[] = state.waiters.map((w) => {
        const info: WaiterInfo = { id: `${w.queue}#${w.w}`, queue: w.queue, role: w.role, since: round1(w.since - msg.start) };
        if (w.site) info.site = w.site;
        return info;
      });
      return { type: 'cursorState', session: msg.session, t: msg.t, queues: state.queues, waiters };
    },

    async exportPng(msg) {
      const png = decodePngDataUrl(msg.dataUrl);
      if (typeof png === 'string') {
        services.output.warn(`panel: PNG export refused: ${png}`);
        return;
      }
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
      const base = msg.name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 80) || 'chart';
      const target = await vscode.window.showSaveDialog({
        defaultUri: vscode.Uri.file(path.join(folder, `${base}.png`)),
        filters: { 'PNG image': ['png'] },
        title: 'Save Chart as PNG',
      });
      if (!target) return;
      try {
        // Atomic, like every file QueueScope writes.
        const temp = tempPathFor(target.fsPath);
        await fs.promises.writeFile(temp, png, { flag: 'wx' });
        await fs.promises.rename(temp, target.fsPath);
        void vscode.window.showInformationMessage(`Saved ${path.basename(target.fsPath)} (${mb(png.length)}).`);
      } catch (err) {
        void vscode.window.showErrorMessage(`QueueScope could not save the PNG: ${err instanceof Error ? err.message : String(err)}`);
      }
    },

    async saveRecording(session) {
      await vscode.commands.executeCommand(RECORDING_COMMANDS.save, session);
    },
  };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
