// Credentials never leave the process in text: every message built from a connection error
// goes through here. Errors are turned into one sentence naming the safe target and the
// cause; any secret that slipped into the driver's own text (a message quoting a URL) is
// replaced. Only that text is scrubbed: the fixed wording and the display form of the
// target never hold a credential, and scrubbing them mangled both when the password was a
// common word or digit ("wrong", "redis", "1": "authentication failed (*** user name or
// password)", "redis://***27.0.0.***", review of 2026-12-04).

import type { RedisTarget } from './target';

/** Replace every secret and any user:password@ in a URL with '***'. Meant for text the driver or the server wrote. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\w+:\/\/)([^/@\s]*)@/g, '$1***@');
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s) out = out.split(s).join('***');
  }
  return out;
}

/** What kind of failure: 'auth' is the one a new password may fix (the command asks for one). */
export type RedisFailure = 'auth' | 'other';

/** An error reply of the server (WRONGTYPE, NOPERM, ERR …), as opposed to a lost or refused connection. */
export function isReplyError(err: unknown): err is Error {
  return err instanceof Error && err.name === 'ReplyError';
}

/** A key holding another kind of value than the command reads (another application's key under the prefix). */
export function isWrongType(err: unknown): boolean {
  return isReplyError(err) && /^WRONGTYPE\b/.test(err.message);
}

/** The user's ACL does not allow the command (or the key). */
export function isNoPerm(err: unknown): boolean {
  return isReplyError(err) && /^NOPERM\b/.test(err.message);
}

function classify(err: unknown, secrets: readonly string[]): { kind: RedisFailure; why: string } {
  const e = err as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  const msg = String(e?.message ?? err);
  if (/WRONGPASS|invalid username-password|NOAUTH|AUTH failed|invalid password/i.test(msg)) return { kind: 'auth', why: 'authentication failed (wrong user name or password)' };
  let why: string;
  if (/without any password configured/i.test(msg)) why = 'the server has no password set, but one was given';
  else if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) why = 'connection refused (is redis-server running there?)';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(msg)) why = 'host not found';
  else if (code === 'ETIMEDOUT' || /ETIMEDOUT|connect timed? ?out/i.test(msg)) why = 'connection timed out (host unreachable?)';
  else if (code === 'ENOENT' || /ENOENT/.test(msg)) why = 'no such socket';
  else if (code === 'EACCES' || /EACCES/.test(msg)) why = 'permission denied on the socket';
  else if (/certificate|self[- ]signed|CERT_|unable to verify|altnames/i.test(msg) || code.startsWith('CERT_') || code.includes('SELF_SIGNED'))
    why = `TLS certificate not trusted (${code ? redact(code, secrets) : 'verification failed'})`;
  else why = redact(msg, secrets);
  return { kind: 'other', why };
}

/** The kind of a connection error, decided on the driver's text before anything is scrubbed from it. */
export function redisFailureOf(err: unknown): RedisFailure {
  return classify(err, []).kind;
}

/** What the user reads when connecting fails or breaks: one clear sentence, no credentials. */
export function describeRedisError(err: unknown, target: RedisTarget): string {
  return `cannot read ${target.display}: ${classify(err, target.secrets).why}`;
}
