// Watching BullMQ queues on a Redis server without a debug session (docs/REDIS.md).
// No vscode here: src/extension/redis/ is the thin VS Code layer over this.
export { RedisWatch, RedisWatchError, MIN_INTERVAL_MS, type RedisWatchOptions, type RedisWatchSink, type RedisWatchLog, type WatchState, type WatchStats } from './watch';
export { parseRedisTarget, RedisTargetError, type RedisTarget } from './target';
export { redact, describeRedisError } from './redact';
export { modelSink } from './modelSink';
