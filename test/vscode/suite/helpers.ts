// Shared helpers for extension-host tests (bundled into each *.test.js; import, don't copy).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { QueueScopeApi } from '../../../src/extension/services';
import type { NodeSpec } from '../../../src/host/views/queueNodes';

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

/** The library as built into dist/ (a test program requires it by this absolute path). */
export function libraryPath(): string {
  return path.join(extension().extensionPath, 'dist', 'lib', 'index.js');
}

/** Writes a file into the workspace folder and returns its absolute path. */
export function writeWorkspaceFile(relativePath: string, content: string): string {
  const file = path.join(workspaceDir(), relativePath);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

export interface DebugRun {
  /** The session VS Code started from the configuration (js-debug's parent: it never answers evaluate). */
  parent: vscode.DebugSession;
  /** js-debug's session for the program's process: debugger requests go here. */
  child: vscode.DebugSession;
  /** Resolves when the program's session ends (the program exited or was stopped). */
  exited: Promise<void>;
  /** Resolves with the program's output so far once it contains `text` (stdout/stderr via the debugger). */
  output(text: string | RegExp, timeoutMs?: number): Promise<string>;
  /** Ends the run (if still running) and resolves once VS Code reports the parent session terminated. */
  stop(): Promise<void>;
}

let runCount = 0;

/**
 * Starts `program` under VS Code's JavaScript debugger (a real `node` launch) and resolves once
 * the program's own child session exists. Extra configuration entries (env, args, stopOnEntry…)
 * are merged in; the configuration passes through every debug configuration provider, QueueScope's too.
 */
export async function debugProgram(program: string, extra: Partial<vscode.DebugConfiguration> = {}, timeoutMs = 30_000): Promise<DebugRun> {
  const name = `queuescope-test-${++runCount}`;
  const ours = (s: vscode.DebugSession) => s.configuration.name === name || s.parentSession?.configuration.name === name;
  const disposables: vscode.Disposable[] = [];

  // Program output arrives as DAP "output" events; a tracker sees them without touching the session.
  let output = '';
  const outputWaiters = new Set<() => void>();
  disposables.push(
    vscode.debug.registerDebugAdapterTrackerFactory('*', {
      createDebugAdapterTracker: (session) =>
        ours(session)
          ? {
              onDidSendMessage: (m: { type?: string; event?: string; body?: { category?: string; output?: string } }) => {
                if (m.type !== 'event' || m.event !== 'output' || !m.body?.output) return;
                if (m.body.category !== 'stdout' && m.body.category !== 'stderr') return;
                output += m.body.output;
                for (const wake of outputWaiters) wake();
              },
            }
          : undefined,
    }),
  );

  let parentEnded = false;
  let resolveParentEnd = () => {};
  const parentEnd = new Promise<void>((r) => (resolveParentEnd = r));
  let resolveExit = () => {};
  const exited = new Promise<void>((r) => (resolveExit = r));
  disposables.push(
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.configuration.name === name && !s.parentSession) {
        parentEnded = true;
        resolveParentEnd();
        resolveExit();
      } else if (ours(s)) {
        resolveExit();
      }
    }),
  );

  const childStarted = nextEvent(vscode.debug.onDidStartDebugSession, `the debug session of ${program}`, (s) => s.parentSession?.configuration.name === name, timeoutMs);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const ok = await vscode.debug.startDebugging(folder, { type: 'node', request: 'launch', name, program, console: 'internalConsole', ...extra });
  if (!ok) disposables.forEach((d) => d.dispose());
  assert.ok(ok, `vscode.debug.startDebugging refused to start ${program}`);
  const child = await childStarted;
  const parent = child.parentSession;
  assert.ok(parent);

  return {
    parent,
    child,
    exited,
    output(text, waitMs = timeoutMs) {
      const matches = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      if (matches()) return Promise.resolve(output);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          outputWaiters.delete(wake);
          reject(new Error(`program output has no ${String(text)} after ${waitMs} ms; output so far:\n${output}`));
        }, waitMs);
        const wake = () => {
          if (!matches()) return;
          clearTimeout(timer);
          outputWaiters.delete(wake);
          resolve(output);
        };
        outputWaiters.add(wake);
      });
    },
    async stop() {
      try {
        if (!parentEnded) {
          await vscode.debug.stopDebugging(parent);
          await parentEnd;
        }
      } finally {
        disposables.forEach((d) => d.dispose());
      }
    },
  };
}
/** DAP `evaluate` with no frame and context "copy": the expression's string value, raw and whole. */
export async function evaluate(session: vscode.DebugSession, expression: string): Promise<string> {
  const body = (await session.customRequest('evaluate', { expression, context: 'copy' })) as { result: string };
  return body.result;
}

/** The Queues tree as text lines (label — description), depth-first, to compare what a user sees. */
export function treeText(api: QueueScopeApi, node?: NodeSpec, depth = 0): string[] {
  const out: string[] = [];
  for (const child of api.queuesTree.getChildren(node)) {
    const item = api.queuesTree.getTreeItem(child);
    out.push(`${'  '.repeat(depth)}${String(item.label)}${item.description ? ` — ${String(item.description)}` : ''}`);
    out.push(...treeText(api, child, depth + 1));
  }
  return out;
}
