// The VS Code side of watching BullMQ queues on Redis (the core is src/redis, no vscode
// there). One call from activate(): registerRedisWatch(context, services).

import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { REDIS_COMMANDS, stopRedisWatch, watchRedis, type WatchRedisArgs } from './watchCommand';
import { RedisWatches } from './watches';

export { REDIS_COMMANDS } from './watchCommand';

export function registerRedisWatch(context: vscode.ExtensionContext, services: ExtensionServices): RedisWatches {
  const watches = new RedisWatches(services.model);
  context.subscriptions.push(
    watches,
    vscode.commands.registerCommand(REDIS_COMMANDS.watch, (args?: WatchRedisArgs) => watchRedis(services, watches, args ?? {})),
    vscode.commands.registerCommand(REDIS_COMMANDS.stop, (arg?: { session?: string } | string) =>
      stopRedisWatch(watches, typeof arg === 'string' ? arg : arg?.session),
    ),
  );
  return watches;
}
