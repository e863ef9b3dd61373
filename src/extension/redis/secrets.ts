// Redis passwords live in VS Code's SecretStorage only, keyed by the safe display form of
// the target (scheme, host, port/socket, db: never the password itself). Settings, the
// remembered URL, logs and recordings never see them.

import type * as vscode from 'vscode';

const KEY_PREFIX = 'queuescope.redis.password:';

export function secretKey(display: string): string {
  return `${KEY_PREFIX}${display}`;
}

export class RedisSecrets {
  constructor(private readonly storage: vscode.SecretStorage) {}

  get(display: string): Thenable<string | undefined> {
    return this.storage.get(secretKey(display));
  }

  store(display: string, password: string): Thenable<void> {
    return this.storage.store(secretKey(display), password);
  }

  forget(display: string): Thenable<void> {
    return this.storage.delete(secretKey(display));
  }
}

/**
 * A URL as the user typed it, split into the URL without credentials (safe to remember)
 * and the password it carried, if any (to move into SecretStorage).
 */
export function splitCredentials(url: string): { url: string; password?: string } {
  try {
    const u = new URL(url.trim());
    if (!u.password) return { url: url.trim() };
    const password = decodeURIComponent(u.password);
    u.password = '';
    return { url: u.toString(), password };
  } catch {
    return { url: url.trim() };
  }
}
