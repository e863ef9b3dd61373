// Debian's Chromium driven by playwright-core: the window of the VS Code server.
import { chromium, type Browser, type Page } from 'playwright-core';

/** Flags that keep a headless Chromium offline and quiet (no updater, sync or QUIC probes). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const CHROMIUM_PATH = process.env.QUEUESCOPE_CHROMIUM ?? '/usr/bin/chromium';

/** Playwright makes its own temporary profile: never pass --user-data-dir here. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}
