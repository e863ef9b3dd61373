// The VS Code server and browser shared by every UI test of one run, and the windows they open.
import type { Browser } from 'playwright-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchBrowser } from '../browser';
import { artifactsDir } from '../config';
import { startServer, type VsCodeServer } from '../server';

export const e2eArtifacts = path.join(artifactsDir, 'e2e');

export interface Session {
  server: VsCodeServer;
  browser: Browser;
}

/** Anything open that can take a screenshot of itself (a Workbench). */
export interface Screenshotter {
  screenshot(name: string): Promise<string>;
}

let session: Session | undefined;
export const openWindows = new Set<Screenshotter>();

export async function startSession(): Promise<Session> {
  if (session) return session;
  // Screenshots are overwritten by name; only the previous run's failure shots are cleared (not the
  // whole folder: another run on the same tree may be writing into it).
  fs.mkdirSync(e2eArtifacts, { recursive: true });
  for (const f of fs.readdirSync(e2eArtifacts)) if (f.startsWith('FAILED-')) fs.rmSync(path.join(e2eArtifacts, f), { force: true });
  const server = await startServer({ name: 'e2e' });
  try {
    session = { server, browser: await launchBrowser() };
  } catch (err) {
    await server.stop();
    throw err;
  }
  return session;
}

export function currentSession(): Session {
  if (!session) throw new Error('the UI session is not running: run UI tests with `npm run test:e2e` (its root hooks start VS Code)');
  return session;
}

export async function stopSession(): Promise<void> {
  const s = session;
  session = undefined;
  if (!s) return;
  await s.browser.close().catch(() => {});
  await s.server.stop();
}

export async function failureScreenshots(testTitle: string): Promise<void> {
  const base = `FAILED-${testTitle.replace(/[^\w.-]+/g, '_').slice(0, 80)}`;
  let n = 0;
  for (const w of openWindows) {
    const file = await w.screenshot(n++ === 0 ? base : `${base}-${n}`).catch(() => undefined);
    if (file) console.log(`      screenshot: ${path.relative(process.cwd(), file)}`);
  }
}
