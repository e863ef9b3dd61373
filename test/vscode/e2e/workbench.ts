// Driving the VS Code workbench like a user: open a window on a fresh workspace with QueueScope
// loaded from the project (extensionDevelopmentPath), run commands from the palette, find
// elements inside webviews, and keep screenshots as test artefacts.
import type { BrowserContext, Frame, Locator, Page } from 'playwright-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../config';
import { currentSession, e2eArtifacts, openWindows, type Screenshotter } from './session';

export interface OpenOptions {
  /** Files to create in the window's fresh workspace folder: relative path -> content. */
  files?: Record<string, string>;
  /** Folder of the extension under test (default: the project root, i.e. the built dist/). */
  extensionDir?: string;
  /** Open this workbench URL as is instead (e.g. another server's, such as the demo's). */
  url?: string;
}

interface ManifestCommand {
  command: string;
  title: string;
  category?: string;
}

interface Manifest {
  contributes?: { commands?: ManifestCommand[]; menus?: { commandPalette?: { command: string; when?: string }[] } };
}

export interface DeclaredCommand extends ManifestCommand {
  /** What the palette shows: "Category: Title". */
  label: string;
  /** False when package.json hides it from the palette or shows it only in some context (a `when` clause). */
  inPalette: boolean;
}

/** The commands package.json declares. */
export function declaredCommands(): DeclaredCommand[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as Manifest;
  const conditional = new Set((manifest.contributes?.menus?.commandPalette ?? []).filter((m) => m.when !== undefined).map((m) => m.command));
  return (manifest.contributes?.commands ?? []).map((c) => ({
    ...c,
    label: c.category ? `${c.category}: ${c.title}` : c.title,
    inPalette: !conditional.has(c.command),
  }));
}

/** For tests of features still being built: skip with a message until the command is declared. */
export function hasCommand(label: string): boolean {
  return declaredCommands().some((c) => c.label === label);
}

let windowCount = 0;

export class Workbench implements Screenshotter {
  /** Uncaught errors of the workbench page, for tests that want to assert there were none. */
  readonly pageErrors: string[] = [];

  private constructor(
    readonly page: Page,
    readonly workspace: string,
    private readonly context: BrowserContext,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(String(err)));
  }

  static async open(options: OpenOptions = {}): Promise<Workbench> {
    const { server, browser } = currentSession();
    const workspace = path.join(server.runDir, 'workspaces', `window-${++windowCount}`);
    fs.mkdirSync(workspace, { recursive: true });
    for (const [rel, content] of Object.entries(options.files ?? {})) {
      const file = path.join(workspace, rel);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const wb = new Workbench(page, workspace, context);
    // The workbench's console (its log, and extension host output) for post-mortems.
    const consoleLog = fs.createWriteStream(path.join(e2eArtifacts, `${path.basename(workspace)}-console.log`));
    page.on('console', (msg) => consoleLog.write(`[${msg.type()}] ${msg.text()}\n`));
    page.once('close', () => consoleLog.end());
    openWindows.add(wb);
    const url = options.url ?? server.workbenchUrl(workspace, [['extensionDevelopmentPath', server.remoteUri(options.extensionDir ?? projectRoot)]]);
    await page.goto(url);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The smoke-test driver (--enable-smoke-test-driver) knows when restoring has finished.
    await page.evaluate(async () => {
      const driver = (window as unknown as { driver?: { whenWorkbenchRestored(): Promise<void> } }).driver;
      await driver?.whenWorkbenchRestored();
    });
    return wb;
  }

  /**
   * Open the command palette. F1 does it wherever the keyboard focus is, except that now and
   * then (a loaded machine, focus just handed back from a webview or a closing quick input)
   * the key is lost: then Escape (whatever held the keys) and Ctrl+Shift+P, F1 again, and so
   * on until the deadline. No click: most spots of the workbench open something.
   */
  private async openPalette(deadline: number): Promise<void> {
    const input = this.page.locator('.quick-input-widget input');
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await this.page.keyboard.press('Escape');
      await this.page.keyboard.press(attempt % 2 === 1 ? 'Control+Shift+P' : 'F1');
      const left = deadline - Date.now();
      try {
        await input.waitFor({ state: 'visible', timeout: Math.max(1000, Math.min(5000, left)) });
        return;
      } catch (err) {
        if (left <= 5000) throw err;
      }
    }
  }

  /** F1, type '>' + label, pick the row with exactly that label, wait for the palette to close. */
  async runCommand(label: string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const found = await this.findInPalette(label, timeoutMs);
    if (!found.row) throw new Error(`command "${label}" is not in the palette (rows: ${found.labels.join(' | ') || 'none'})`);
    const widget = this.page.locator('.quick-input-widget');
    if (await found.row.evaluate((e) => e.classList.contains('focused'))) await widget.locator('input').press('Enter');
    else await found.row.click();
    await widget.waitFor({ state: 'hidden', timeout: Math.max(1000, deadline - Date.now()) });
  }

  /** Whether the palette offers a command with exactly this label (the palette is closed again). */
  async paletteHas(label: string, timeoutMs = 15_000): Promise<boolean> {
    const found = await this.findInPalette(label, timeoutMs);
    await this.page.keyboard.press('Escape');
    return found.row !== undefined;
  }

  /**
   * Opens the palette on `>label` and waits for the row with exactly that label (a row's aria-label
   * starts with it; other matches such as "<label> Again" must not win). The palette lists the
   * commands known when it opens, and right after start-up an extension's contributions may still be
   * arriving, so it is reopened until the row shows up or time runs out (then it stays open).
   */
  private async findInPalette(label: string, timeoutMs: number): Promise<{ row?: Locator; labels: string[] }> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input');
    const rows = widget.locator('.quick-input-list .monaco-list-row');
    const deadline = Date.now() + timeoutMs;
    let labels: string[] = [];
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) await this.page.keyboard.press('Escape');
      await this.openPalette(deadline);
      try {
        // Short: a palette that something closed right after it opened (focus taken by a
        // starting or ending debug session) is reopened instead of waited on for 30 s.
        await input.fill(`>${label}`, { timeout: Math.max(1000, Math.min(3000, deadline - Date.now())) });
      } catch (err) {
        if (Date.now() >= deadline) throw err;
        continue;
      }
      const attemptEnd = Math.min(deadline, Date.now() + 3000);
      do {
        labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
        const index = labels.findIndex((l) => l === label || l.startsWith(`${label},`));
        if (index >= 0) return { row: rows.nth(index), labels };
        await this.page.waitForTimeout(100);
      } while (Date.now() < attemptEnd);
      if (Date.now() >= deadline) return { labels };
    }
  }

  /**
   * The element matching `selector` inside a webview. A webview's document sits in an iframe inside
   * the webview's own iframe, so search every frame of the page until one has it.
   */
  async webviewElement(selector: string, timeoutMs = 30_000): Promise<{ frame: Frame; locator: Locator }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const found = await frame.$(selector).catch(() => null);
        if (found) {
          await found.dispose();
          return { frame, locator: frame.locator(selector).first() };
        }
      }
      if (Date.now() > deadline) throw new Error(`no webview element matches ${selector} after ${timeoutMs} ms`);
      await this.page.waitForTimeout(200);
    }
  }

  /** Texts of the notification toasts currently shown (errors from commands land here). */
  async notifications(): Promise<string[]> {
    return this.page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
  }

  /** Saves test-artifacts/e2e/<name>.png and returns its path. */
  async screenshot(name: string): Promise<string> {
    const file = path.join(e2eArtifacts, `${name.replace(/[^\w.-]+/g, '_')}.png`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    openWindows.delete(this);
    await this.context.close().catch(() => {});
  }
}
