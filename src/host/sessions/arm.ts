// What the debug configuration provider does to a launch/attach configuration, as a pure
// function (no vscode) so it is unit-tested. docs/CONTRACTS.md: QUEUESCOPE_TRACE=1 arms the hub
// from the program's first queue; skipFiles keep a user's pause out of the poll expression
// and the hub ("the pause race"), and keep "pause on caught exceptions" out of the hub.

/** The environment variable of src/trace/install.ts (EXIT_TAIL_DIR_ENV); the host does not import the tracer. */
export const EXIT_TAIL_DIR_ENV = 'QUEUESCOPE_EXIT_TAIL_DIR';

/** Debug types of VS Code's JavaScript debugger that run Node. */
export const NODE_DEBUG_TYPES: readonly string[] = ['node', 'pwa-node', 'node-terminal'];

/** The debug types whose sessions the extension polls (child sessions report as pwa-node). */
export const JS_DEBUG_TYPES: readonly string[] = ['node', 'pwa-node', 'node-terminal', 'pwa-extensionHost', 'extensionHost'];

/** The poll expressions' sourceURL file name (see POLL_SOURCE_URL in src/protocol/hub.ts). */
export const POLL_SKIP_GLOB = '**/queuescope-poll.js';
/** The library installed as a dependency. */
export const PACKAGE_SKIP_GLOB = '**/node_modules/queuescope/**';

/** The part of a DebugConfiguration this module reads and writes. */
export interface DebugConfigLike {
  type: string;
  request: string;
  name: string;
  env?: Record<string, string | null | undefined>;
  skipFiles?: string[];
  __pendingTargetId?: unknown;
  [key: string]: unknown;
}

export interface ArmOptions {
  /** Set QUEUESCOPE_TRACE=1 in launch configurations (setting queuescope.autoArm). */
  autoArm: boolean;
  /** Passed as QUEUESCOPE_SAMPLE_MS when set (setting queuescope.sampleIntervalMs). */
  sampleIntervalMs?: number;
  /** skipFiles globs for the hub's own file, besides the poll and package globs. */
  extraSkipGlobs: string[];
  /**
   * Passed as QUEUESCOPE_EXIT_TAIL_DIR: where realms the poller never attached to (a program
   * over before its first poll) write what they recorded when they end.
   */
  exitTailDir?: string;
  /**
   * The extension's own dist/lib/register.js, preloaded into launched programs through
   * NODE_OPTIONS (`--require`), so the adapters show other libraries' queues with no code
   * change. One `--require` also covers ESM entries (it installs the ESM hooks itself).
   */
  preload?: string;
  /** NODE_OPTIONS the program would inherit (the extension host's), kept before the preload. */
  inheritedNodeOptions?: string;
}

/** NODE_OPTIONS with QueueScope's preload appended once; the user's own options first. */
export function withPreload(nodeOptions: string | null | undefined, preload: string): string {
  const flag = `--require ${JSON.stringify(preload)}`;
  const base = (nodeOptions ?? '').trim();
  if (base.includes(flag)) return base;
  return base === '' ? flag : `${base} ${flag}`;
}

/** The extension's own built library, which the samples (and tests) load. */
export function extensionLibraryGlob(extensionPath: string): string {
  return `${extensionPath.replace(/\\/g, '/').replace(/\/$/, '')}/dist/lib/**`;
}

/**
 * Return the configuration to launch with: a copy with QUEUESCOPE_* added to `env` (launch
 * only, never overriding a value the user set) and QueueScope's globs appended to
 * `skipFiles` (the user's entries first, no duplicates). Child-session configurations
 * (`__pendingTargetId`) and other debuggers' configurations come back untouched.
 */
export function armConfiguration<T extends DebugConfigLike>(config: T, options: ArmOptions): T {
  if (!options.autoArm) return config;
  if (config.__pendingTargetId !== undefined) return config;
  if (!NODE_DEBUG_TYPES.includes(config.type)) return config;
  const out: T = { ...config };
  if (config.request === 'launch' || config.type === 'node-terminal') {
    const env = { ...(config.env ?? {}) };
    if (env.QUEUESCOPE_TRACE === undefined) env.QUEUESCOPE_TRACE = '1';
    if (options.sampleIntervalMs !== undefined && env.QUEUESCOPE_SAMPLE_MS === undefined) {
      env.QUEUESCOPE_SAMPLE_MS = String(options.sampleIntervalMs);
    }
    if (options.exitTailDir !== undefined) env[EXIT_TAIL_DIR_ENV] = options.exitTailDir;
    if (options.preload !== undefined) {
      env.NODE_OPTIONS = withPreload('NODE_OPTIONS' in env ? env.NODE_OPTIONS : options.inheritedNodeOptions, options.preload);
    }
    out.env = env;
  }
  const skip = Array.isArray(config.skipFiles) ? [...config.skipFiles] : [];
  for (const glob of [POLL_SKIP_GLOB, PACKAGE_SKIP_GLOB, ...options.extraSkipGlobs]) {
    if (!skip.includes(glob)) skip.push(glob);
  }
  out.skipFiles = skip;
  return out;
}

/** What js-debug's `extension.js-debug.createDebuggerTerminal` takes as its third argument (the part QueueScope sets). */
export interface DebugTerminalOptions {
  env: Record<string, string | null | undefined>;
  skipFiles: string[];
}

/**
 * The options of a JavaScript Debug Terminal whose programs are armed as an F5 launch is:
 * QUEUESCOPE_TRACE, the sample interval, the adapters' preload and the skipFiles globs. js-debug
 * starts that terminal itself (no launch configuration goes through the provider), so they
 * are passed to it. No exit-tail folder: a terminal's processes each become a session of
 * their own, with no configuration that would name it; attached realms still write theirs.
 */
export function debugTerminalOptions(options: Omit<ArmOptions, 'autoArm' | 'exitTailDir'>): DebugTerminalOptions {
  const armed = armConfiguration<DebugConfigLike>({ type: 'node-terminal', request: 'launch', name: 'QueueScope' }, { ...options, autoArm: true });
  return { env: armed.env ?? {}, skipFiles: armed.skipFiles ?? [] };
}
