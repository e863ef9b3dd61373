// Types of test/redis/install.js (plain JS so that .ci/run can call it before any build).
/** Absolute path of redis-server on PATH, or null. */
export declare function findRedisServer(): string | null;
/** redis-server's path, installing the Debian package first when it is missing (throws with a clear message when it cannot). */
export declare function ensureRedisServer(): string;
