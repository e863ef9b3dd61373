// Credentials never leave the process in text: every message built from a connection error
// goes through here. Errors are turned into one sentence naming the safe target and the
// cause; any secret that slipped in anyway (a driver message quoting a URL) is replaced.

import type { RedisTarget } from './target';

/** Replace every secret and any user:password@ in a URL with '***'. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\w+:\/\/)([^/@\s]*)@/g, '$1***@');
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) {
    if (s) out = out.split(s).join('***');
  }
  return out;
}

/** What the user reads when connecting fails or breaks: one clear sentence, no credentials. */
export function describeRedisError(err: unknown, target: RedisTarget): string {
  const e = err as { code?: string; message?: string } | undefined;
  const code = e?.code ?? '';
  const msg = String(e?.message ?? err);
  let why: string;
  if (/WRONGPASS|invalid username-password|NOAUTH|AUTH failed|invalid password/i.test(msg)) why = 'authentication failed (wrong user name or password)';
  else if (/without any password configured/i.test(msg)) why = 'the server has no password set, but one was given';
  else if (code === 'ECONNREFUSED' || /ECONNREFUSED/.test(msg)) why = 'connection refused (is redis-server running there?)';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || /ENOTFOUND|EAI_AGAIN/.test(msg)) why = 'host not found';
  else if (code === 'ETIMEDOUT' || /ETIMEDOUT|connect timed? ?out/i.test(msg)) why = 'connection timed out (host unreachable?)';
  else if (code === 'ENOENT' || /ENOENT/.test(msg)) why = 'no such socket';
  else if (code === 'EACCES' || /EACCES/.test(msg)) why = 'permission denied on the socket';
  else if (/certificate|self[- ]signed|CERT_|unable to verify|altnames/i.test(msg) || code.startsWith('CERT_') || code.includes('SELF_SIGNED'))
    why = `TLS certificate not trusted (${code || 'verification failed'})`;
  else why = msg;
  return redact(`cannot read ${target.display}: ${why}`, target.secrets);
}
