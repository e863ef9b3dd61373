// "QueueScope: Watch Redis (BullMQ)…": ask for a URL (remembered without credentials) and a
// key prefix, take the password from SecretStorage or ask for it (stored there, never in
// settings), connect under a cancellable progress notification, and feed the model a session
// of origin 'redis'. "QueueScope: Stop Watching Redis" ends one. Read-only: no command here
// changes a queue.

import * as vscode from 'vscode';
import { modelSink, parseRedisTarget, RedisTargetError, RedisWatch, RedisWatchError, type RedisTarget } from '../../redis';
import type { ExtensionServices } from '../services';
import { RedisSecrets, splitCredentials } from './secrets';
import type { RedisWatches } from './watches';

export const REDIS_COMMANDS = {
  watch: 'queuescope.watchRedis',
  stop: 'queuescope.stopRedisWatch',
} as const;

const LAST_URL = 'queuescope.redis.lastUrl';
const LAST_PREFIX = 'queuescope.redis.lastPrefix';

/** Arguments tests (and other commands) may pass to skip the input boxes. */
export interface WatchRedisArgs {
  url?: string;
  prefix?: string;
}

export async function watchRedis(services: ExtensionServices, watches: RedisWatches, args: WatchRedisArgs = {}): Promise<string | undefined> {
  const { context, output } = services;
  const secrets = new RedisSecrets(context.secrets);
  const typed =
    args.url ??
    (await vscode.window.showInputBox({
      title: 'Watch Redis (BullMQ)',
      prompt: 'Redis URL: redis://host:6379/0, rediss://host:6380 (TLS, certificate verified) or unix:///path/to/redis.sock',
      value: context.globalState.get<string>(LAST_URL) ?? 'redis://127.0.0.1:6379',
      ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          parseRedisTarget(v);
          return undefined;
        } catch (err) {
          return (err as Error).message;
        }
      },
    }));
  if (!typed) return undefined;
  const { url, password: typedPassword } = splitCredentials(typed);
  const prefix =
    args.prefix ??
    (await vscode.window.showInputBox({
      title: 'Watch Redis (BullMQ)',
      prompt: "BullMQ key prefix (the Queue's `prefix` option; BullMQ's default is bull)",
      value: context.globalState.get<string>(LAST_PREFIX) ?? 'bull',
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'the prefix cannot be empty'),
    }));
  if (!prefix) return undefined;

  let target: RedisTarget;
  try {
    target = parseRedisTarget(url);
  } catch (err) {
    void vscode.window.showErrorMessage(`QueueScope: ${err instanceof RedisTargetError ? err.message : 'not a Redis URL'}`);
    return undefined;
  }
  const existing = watches.find(target.display, prefix);
  if (existing) {
    void vscode.window.showInformationMessage(`QueueScope: already watching '${prefix}' on ${target.display}.`);
    return existing.session;
  }
  await context.globalState.update(LAST_URL, url); // without credentials
  await context.globalState.update(LAST_PREFIX, prefix);
  if (typedPassword !== undefined) await secrets.store(target.display, typedPassword);
  let password = typedPassword ?? (await secrets.get(target.display));

  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await connect(services, watches, url, prefix, password);
    if (result.ok) {
      if (password !== undefined && attempt > 0) await secrets.store(target.display, password);
      return result.session;
    }
    if (result.kind === 'stopped') {
      output.info(`connecting to ${target.display} cancelled`); // the user's own Cancel: no error to show
      return undefined;
    }
    output.warn(result.message);
    // Decided by the error's kind, not by the message's wording: the message was scrubbed of
    // the password, and a password such as "failed" or "authentication" changed the wording.
    if (result.kind !== 'auth' || args.url !== undefined) {
      void vscode.window.showErrorMessage(`QueueScope: ${result.message}`);
      return undefined;
    }
    await secrets.forget(target.display);
    password = await vscode.window.showInputBox({
      title: `Password for ${target.display}`,
      prompt: 'Stored in VS Code\u2019s secret storage, never in settings or recordings. Leave empty for none.',
      password: true,
      ignoreFocusOut: true,
    });
    if (password === undefined) return undefined;
    if (password === '') password = undefined;
  }
  return undefined;
}

type ConnectResult = { ok: true; session: string } | { ok: false; message: string; kind: RedisWatchError['kind'] };

async function connect(services: ExtensionServices, watches: RedisWatches, url: string, prefix: string, password: string | undefined): Promise<ConnectResult> {
  const target = parseRedisTarget(url, password !== undefined ? { password } : {});
  const session = watches.newSessionId();
  const watch = new RedisWatch({
    target,
    prefix,
    sink: modelSink(services.model, session, `BullMQ '${prefix}' on ${target.display}`),
    log: { info: (m) => services.output.info(m), warn: (m) => services.output.warn(m) },
  });
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `QueueScope: connecting to ${target.display}…`, cancellable: true },
    async (_progress, token) => {
      const cancelled = token.onCancellationRequested(() => void watch.stop('cancelled'));
      try {
        await watch.start();
        if (token.isCancellationRequested) return { ok: false, message: 'cancelled', kind: 'stopped' } as const;
        watches.add({ session, display: target.display, prefix, watch });
        void vscode.commands.executeCommand('queuescope.showPanel');
        return { ok: true, session } as const;
      } catch (err) {
        if (err instanceof RedisWatchError) return { ok: false, message: err.message, kind: err.kind } as const;
        return { ok: false, message: `cannot read ${target.display}`, kind: 'other' } as const;
      } finally {
        cancelled.dispose();
      }
    },
  );
}

export async function stopRedisWatch(watches: RedisWatches, session?: string): Promise<boolean> {
  let id = session;
  if (id === undefined) {
    const running = watches.list();
    if (!running.length) {
      void vscode.window.showInformationMessage('QueueScope: no Redis watch is running.');
      return false;
    }
    const pick =
      running.length === 1
        ? { session: running[0].session }
        : await vscode.window.showQuickPick(
            running.map((w) => ({ label: `'${w.prefix}' on ${w.display}`, session: w.session })),
            { title: 'Stop watching Redis' },
          );
    if (!pick) return false;
    id = pick.session;
  }
  await watches.stop(id);
  return true;
}
