// Where to connect: a URL (redis://, rediss:// for TLS, unix://path or a bare /path for a
// unix socket) turned into ioredis options, plus a display string that never carries a
// credential. The password may come from the URL or separately (VS Code's SecretStorage);
// either way it only lives in the options object handed to ioredis, and `secrets` lists it
// so every message built from an error can be scrubbed (redact.ts).

import type { RedisOptions } from 'ioredis';
import { isIP } from 'node:net';

export interface RedisTarget {
  /** Safe to show and log: scheme, host, port or socket path, db. No user, no password. */
  readonly display: string;
  /** Connection options for ioredis (hold the password: never log or record them). */
  readonly options: RedisOptions;
  /** Strings that must never appear in output (the password, the user:password pair). */
  readonly secrets: readonly string[];
}

export class RedisTargetError extends Error {}

/**
 * Parse a Redis URL. `password` (from SecretStorage) wins over one in the URL.
 * rediss:// verifies the server certificate against the system CAs and the host name,
 * unless `insecureSkipVerify` is set (never the default).
 */
export function parseRedisTarget(url: string, opts: { password?: string; insecureSkipVerify?: boolean } = {}): RedisTarget {
  const text = url.trim();
  if (text.startsWith('/')) return fromSocket(text, '', undefined, 0, opts.password);
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw new RedisTargetError('not a Redis URL: expected redis://host:port/db, rediss://host:port/db or unix:///path/to/redis.sock');
  }
  const username = decodeURIComponent(u.username);
  const password = opts.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
  const db = dbOf(u);
  switch (u.protocol) {
    case 'unix:':
    case 'redis+unix:':
    case 'redis-socket:': {
      if (!u.pathname || u.pathname === '/') throw new RedisTargetError('unix:// URL without a socket path (unix:///path/to/redis.sock)');
      return fromSocket(decodeURIComponent(u.pathname), username, password, db, undefined);
    }
    case 'redis:':
    case 'rediss:': {
      const tls = u.protocol === 'rediss:';
      const host = u.hostname.replace(/^\[(.*)\]$/, '$1') || '127.0.0.1';
      const port = u.port ? Number(u.port) : 6379;
      const options: RedisOptions = {
        host,
        port,
        db,
        ...(username ? { username } : {}),
        ...(password !== undefined ? { password } : {}),
        // SNI carries host names only (RFC 6066); an IP address is still checked against the certificate.
        ...(tls ? { tls: { ...(isIP(host) ? {} : { servername: host }), rejectUnauthorized: !opts.insecureSkipVerify } } : {}),
      };
      const display = `${tls ? 'rediss' : 'redis'}://${u.host || host}${db ? `/${db}` : ''}`;
      return { display, options, secrets: secretsOf(username, password) };
    }
    default:
      throw new RedisTargetError(`unsupported scheme ${JSON.stringify(u.protocol)}: use redis://, rediss:// or unix://`);
  }
}

function fromSocket(path: string, username: string, password: string | undefined, db: number, override: string | undefined): RedisTarget {
  const pw = override ?? password;
  const options: RedisOptions = { path, db, ...(username ? { username } : {}), ...(pw !== undefined ? { password: pw } : {}) };
  return { display: `unix://${path}${db ? `?db=${db}` : ''}`, options, secrets: secretsOf(username, pw) };
}

function dbOf(u: URL): number {
  const raw = u.searchParams.get('db') ?? (u.protocol.startsWith('redis') && !u.protocol.includes('unix') && !u.protocol.includes('socket') ? u.pathname.slice(1) : '');
  if (!raw) return 0;
  const db = Number(raw);
  if (!Number.isInteger(db) || db < 0) throw new RedisTargetError(`database must be a number, got ${JSON.stringify(raw)}`);
  return db;
}

function secretsOf(username: string, password: string | undefined): string[] {
  const out: string[] = [];
  if (password) {
    out.push(password, encodeURIComponent(password));
    if (username) out.push(`${username}:${password}`);
  }
  return out.filter((s) => s.length >= 1);
}
