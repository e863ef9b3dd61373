// Starts the VS Code server (inside the npm package code-server) on a free loopback port, in a
// process group of its own, and guarantees it is stopped: on stop(), on process exit, on an
// uncaught error (the 'exit' event still fires) and on SIGINT/SIGTERM/SIGHUP.
//
//   npx tsx test/vscode/server.ts     start one for manual poking; prints the URL; Ctrl+C stops it
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import * as config from './config';
import { install } from './install';

export interface ServerOptions {
  /** Label for the run: names its data folder and its artefact folder. */
  name: string;
  /** Extensions folder (the demo installs QueueScope there); default: an empty one per run. */
  extensionsDir?: string;
  /** Extra environment: the extension host inherits the server's environment. */
  env?: Record<string, string>;
  /** A fixed port (the demo lets users choose one); default: a free one. */
  port?: number;
  /** Keep the run's data folder after stop() (it is kept anyway when QUEUESCOPE_KEEP_RUN=1). */
  keepData?: boolean;
}

export interface VsCodeServer {
  readonly port: number;
  readonly origin: string;
  /** Per-run data: user-data/, server-data/, extensions/, workspace/. */
  readonly runDir: string;
  /** Server stdout/stderr, and the VS Code logs copied there on stop. */
  readonly artifactDir: string;
  /** A URI the server maps to a path on this machine (payload entries need these). */
  remoteUri(absPath: string): string;
  /** Workbench URL with a folder and an optional payload (e.g. extensionDevelopmentPath). */
  workbenchUrl(folder: string, payload?: ReadonlyArray<readonly [string, string]>): string;
  stop(): Promise<void>;
}

/** Settings that keep a fresh VS Code from opening welcome pages, tips and update checks. */
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.enableExperiments': false,
};

/** Running servers: their process (for the synchronous last-resort kill) and their full stop. */
const live = new Map<ChildProcess, () => Promise<void>>();
let exitHooksInstalled = false;

/** Last resort: whatever happens to this process, no VS Code process group outlives it. */
function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const child of live.keys()) killGroup(child.pid, 'SIGKILL');
  });
  const onSignal = (signal: NodeJS.Signals, code: number) => {
    process.stderr.write(`\n[vscode-server] ${signal}: stopping VS Code\n`);
    // Stop cleanly if it is quick; the 'exit' hook SIGKILLs whatever is left.
    setTimeout(() => process.exit(code), 8000).unref();
    Promise.allSettled([...live.values()].map((stop) => stop())).then(() => process.exit(code));
  };
  process.once('SIGINT', () => onSignal('SIGINT', 130));
  process.once('SIGTERM', () => onSignal('SIGTERM', 143));
  process.once('SIGHUP', () => onSignal('SIGHUP', 129));
}

function killGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  if (!pgid) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/** True while a non-zombie process of the group is alive (zombies may wait for a lazy init). */
function groupAlive(pgid: number): boolean {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    try {
      process.kill(-pgid, 0);
      return true;
    } catch {
      return false;
    }
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z') return true;
  }
  return false;
}

async function waitForGroupExit(pgid: number | undefined, timeoutMs: number): Promise<boolean> {
  if (!pgid) return true;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !groupAlive(pgid);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => {
      req.destroy();
      resolve(false);
    });
  });
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** The server's environment: ours minus variables that would tie it to an enclosing VS Code. */
function serverEnv(extra: Record<string, string> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') continue;
    env[k] = v;
  }
  env.TMPDIR = config.tmpDir();
  // No extension gallery: code-server defaults to open-vsx.org, unreachable offline (and not wanted in tests).
  env.EXTENSIONS_GALLERY = '{}';
  return { ...env, ...extra };
}

export async function startServer(options: ServerOptions): Promise<VsCodeServer> {
  installExitHooks();
  const pkg = install();
  fs.mkdirSync(config.tmpDir(), { recursive: true });

  const runsDir = path.join(config.testRoot, 'runs');
  fs.mkdirSync(runsDir, { recursive: true });
  const runDir = fs.mkdtempSync(path.join(runsDir, `${options.name}-`));
  const userData = path.join(runDir, 'user-data');
  const serverData = path.join(runDir, 'server-data');
  const extensionsDir = options.extensionsDir ?? path.join(runDir, 'extensions');
  for (const d of [path.join(userData, 'User'), serverData, extensionsDir, path.join(runDir, 'workspace')]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify(QUIET_SETTINGS, null, 2) + '\n');

  const artifactDir = path.join(config.artifactsDir, options.name);
  fs.mkdirSync(artifactDir, { recursive: true });
  const logFile = path.join(artifactDir, 'server.log');

  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = options.port ?? (await freePort());
    const logFd = fs.openSync(logFile, 'w');
    const child = spawn(
      process.execPath,
      [
        config.serverMain(pkg),
        '--host', '127.0.0.1',
        '--port', String(port),
        '--without-connection-token',
        '--accept-server-license-terms',
        '--enable-smoke-test-driver',
        '--telemetry-level', 'off',
        '--disable-workspace-trust',
        '--user-data-dir', userData,
        '--server-data-dir', serverData,
        '--extensions-dir', extensionsDir,
      ],
      // detached = setsid(): the server, its extension hosts and file watchers share one process
      // group that we kill as a whole; killing only the server would leave the others running.
      { detached: true, stdio: ['ignore', logFd, logFd], env: serverEnv(options.env), cwd: runDir },
    );
    fs.closeSync(logFd);
    live.set(child, () => Promise.resolve());
    let exited = false;
    child.once('exit', () => {
      exited = true;
      live.delete(child);
    });

    const origin = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 30_000;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      if (await httpOk(`${origin}/`)) {
        ready = true;
        break;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
    if (!ready) {
      killGroup(child.pid, 'SIGKILL');
      live.delete(child);
      lastError = `VS Code server did not start on port ${port}:\n${tail(logFile)}`;
      if (/EADDRINUSE/.test(tail(logFile)) && options.port === undefined) continue;
      break;
    }

    let stopped: Promise<void> | undefined;
    const server: VsCodeServer = {
      port,
      origin,
      runDir,
      artifactDir,
      remoteUri: (absPath) => `vscode-remote://127.0.0.1:${port}${absPath.split(path.sep).map(encodeURIComponent).join('/')}`,
      workbenchUrl(folder, payload) {
        const params = new URLSearchParams({ folder });
        if (payload?.length) params.set('payload', JSON.stringify(payload));
        return `${origin}/?${params.toString()}`;
      },
      stop() {
        stopped ??= (async () => {
          killGroup(child.pid, 'SIGTERM');
          if (!(await waitForGroupExit(child.pid, 5000))) {
            killGroup(child.pid, 'SIGKILL');
            await waitForGroupExit(child.pid, 2000);
          }
          live.delete(child);
          copyLogs(userData, artifactDir);
          if (!options.keepData && process.env.QUEUESCOPE_KEEP_RUN !== '1') fs.rmSync(runDir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
    live.set(child, () => server.stop());
    return server;
  }
  fs.rmSync(runDir, { recursive: true, force: true });
  throw new Error(lastError);
}

/** VS Code's own logs (extension host, remote agent) are the first thing to read when a run fails. */
function copyLogs(userData: string, artifactDir: string): void {
  const logs = path.join(userData, 'logs');
  if (!fs.existsSync(logs)) return;
  const dest = path.join(artifactDir, 'logs');
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(logs, dest, { recursive: true });
}

if (require.main === module) {
  (async () => {
    const server = await startServer({ name: 'manual' });
    const folder = path.join(server.runDir, 'workspace');
    console.log(`VS Code ${config.CODE_SERVER_VERSION} is running: ${server.workbenchUrl(folder)}`);
    console.log('Press Ctrl+C to stop.');
  })().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
