// Shared helpers for extension-host tests (bundled into each *.test.js; import, don't copy).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** `<publisher>.<name>` from package.json. */
export const EXTENSION_ID = 'queuescope.queuescope';

export interface Manifest {
  name: string;
  publisher: string;
  version: string;
  contributes?: {
    commands?: { command: string; title: string; category?: string }[];
    views?: Record<string, { id: string; name: string }[]>;
    viewsContainers?: Record<string, { id: string; title: string }[]>;
    configuration?: ConfigurationSection | ConfigurationSection[];
  };
}
export interface ConfigurationSection {
  title?: string;
  properties?: Record<string, { type?: string | string[]; default?: unknown; description?: string }>;
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is not loaded (is extensionDevelopmentPath the project root?)`);
  return ext;
}

/** The package.json on disk (not VS Code's parsed copy), so a test compares declared with registered. */
export function manifest(): Manifest {
  return JSON.parse(fs.readFileSync(path.join(extension().extensionPath, 'package.json'), 'utf8')) as Manifest;
}

export async function activate(): Promise<vscode.Extension<unknown>> {
  const ext = extension();
  await ext.activate();
  return ext;
}

/** Every `queuescope.*` setting declared in package.json, with its declared default. */
export function declaredSettings(m: Manifest = manifest()): Map<string, unknown> {
  const conf = m.contributes?.configuration;
  const sections = conf === undefined ? [] : Array.isArray(conf) ? conf : [conf];
  const out = new Map<string, unknown>();
  for (const s of sections) for (const [key, spec] of Object.entries(s.properties ?? {})) out.set(key, spec.default);
  return out;
}

/** The workspace folder the launcher opened (an empty temp folder tests may write into). */
export function workspaceDir(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'no workspace folder is open');
  return folder.uri.fsPath;
}

/** Resolve with the first event that matches, or fail after timeoutMs with the description. */
export function nextEvent<T>(event: vscode.Event<T>, what: string, match: (e: T) => boolean = () => true, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const sub = event((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}
