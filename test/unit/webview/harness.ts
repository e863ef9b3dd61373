// Loads the real panel page in headless Chromium: the HTML comes from the host's own
// builder (buildPanelHtml) with a test resource origin as cspSource, main.js is bundled
// from src/webview with the build's options, and acquireVsCodeApi is a stand-in that
// records posted messages and view state. Host messages are delivered as the real
// webview receives them: 'message' events on window.

import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildPanelHtml, makeNonce } from '../../../src/host/panel/html';
import type { HostMessage } from '../../../src/protocol/webview';

export const ORIGIN = 'https://webview.test';
const root = path.resolve(__dirname, '../../..');

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export type Theme = 'light' | 'dark' | 'hc';

/** A subset of VS Code's default theme colours (Light+, Dark+, High Contrast). */
const THEMES: Record<Theme, { bodyClass: string; vars: Record<string, string> }> = {
  light: {
    bodyClass: 'vscode-light',
    vars: {
      foreground: '#616161', 'editor-background': '#ffffff', descriptionForeground: '#717171', 'panel-border': '#80808059',
      'list-hoverBackground': '#e8e8e8', 'list-inactiveSelectionBackground': '#e4e6f1', focusBorder: '#0090f1',
      'button-background': '#007acc', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#5f6a79', 'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#4c5561',
      'input-background': '#ffffff', 'input-foreground': '#616161', 'input-border': '#cecece', 'dropdown-background': '#ffffff', 'dropdown-foreground': '#616161', 'dropdown-border': '#cecece',
      'textLink-foreground': '#006ab1', 'textLink-activeForeground': '#006ab1', 'editorWidget-background': '#f3f3f3', 'inputValidation-warningBackground': '#f6f5d2', 'inputValidation-warningBorder': '#b89500',
      'inputValidation-infoBorder': '#007acc', 'charts-foreground': '#616161', 'charts-lines': '#61616180', 'charts-red': '#e51400', 'charts-blue': '#1a85ff', 'charts-yellow': '#bf8803', 'charts-orange': '#d18616', 'charts-green': '#388a34', 'charts-purple': '#652d90',
      'testing-iconPassed': '#388a34', 'debugIcon-pauseForeground': '#007acc', 'textPreformat-foreground': '#a31515', 'editorWarning-foreground': '#bf8803', 'textBlockQuote-background': '#7f7f7f1a',
      errorForeground: '#a1260d', 'editorInfo-foreground': '#1a85ff',
    },
  },
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      foreground: '#cccccc', 'editor-background': '#1e1e1e', descriptionForeground: '#ccccccb3', 'panel-border': '#80808059',
      'list-hoverBackground': '#2a2d2e', 'list-inactiveSelectionBackground': '#37373d', focusBorder: '#007fd4',
      'button-background': '#0e639c', 'button-foreground': '#ffffff', 'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#ffffff', 'button-secondaryHoverBackground': '#45494e',
      'input-background': '#3c3c3c', 'input-foreground': '#cccccc', 'input-border': '#3c3c3c', 'dropdown-background': '#3c3c3c', 'dropdown-foreground': '#f0f0f0', 'dropdown-border': '#3c3c3c',
      'textLink-foreground': '#3794ff', 'textLink-activeForeground': '#3794ff', 'editorWidget-background': '#252526', 'inputValidation-warningBackground': '#352a05', 'inputValidation-warningBorder': '#b89500',
      'inputValidation-infoBorder': '#007acc', 'charts-foreground': '#cccccc', 'charts-lines': '#cccccc80', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff', 'charts-yellow': '#cca700', 'charts-orange': '#d18616', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
      'testing-iconPassed': '#73c991', 'debugIcon-pauseForeground': '#75beff', 'textPreformat-foreground': '#d7ba7d', 'editorWarning-foreground': '#cca700', 'textBlockQuote-background': '#7f7f7f1a',
      errorForeground: '#f48771', 'editorInfo-foreground': '#3794ff',
    },
  },
  hc: {
    bodyClass: 'vscode-high-contrast',
    vars: {
      foreground: '#ffffff', 'editor-background': '#000000', descriptionForeground: '#ffffffb3', 'panel-border': '#6fc3df', contrastBorder: '#6fc3df', contrastActiveBorder: '#f38518',
      'list-hoverBackground': '#000000', 'list-inactiveSelectionBackground': '#000000', focusBorder: '#f38518',
      'button-background': '#000000', 'button-foreground': '#ffffff', 'button-border': '#6fc3df', 'button-secondaryBackground': '#000000', 'button-secondaryForeground': '#ffffff',
      'input-background': '#000000', 'input-foreground': '#ffffff', 'input-border': '#6fc3df', 'dropdown-background': '#000000', 'dropdown-foreground': '#ffffff', 'dropdown-border': '#6fc3df',
      'textLink-foreground': '#21a6ff', 'textLink-activeForeground': '#21a6ff', 'editorWidget-background': '#0c141f', 'inputValidation-warningBackground': '#000000', 'inputValidation-warningBorder': '#6fc3df',
      'inputValidation-infoBorder': '#6fc3df', 'charts-foreground': '#ffffff', 'charts-lines': '#ffffff80', 'charts-red': '#f14c4c', 'charts-blue': '#3794ff', 'charts-yellow': '#ffd700', 'charts-orange': '#ff8c00', 'charts-green': '#89d185', 'charts-purple': '#b180d7',
      'testing-iconPassed': '#89d185', 'debugIcon-pauseForeground': '#75beff', 'textPreformat-foreground': '#ffffff', 'editorWarning-foreground': '#ffd700',
      errorForeground: '#f48771', 'editorInfo-foreground': '#3794ff',
    },
  },
};

let bundle: string | undefined;

/** main.js, bundled from source with the options esbuild.js uses for dist/webview/main.js. */
async function webviewBundle(): Promise<string> {
  if (bundle) return bundle;
  const out = await esbuild.build({
    entryPoints: [path.join(root, 'src/webview/main.ts')],
    bundle: true,
    write: false,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'css' },
    logLevel: 'silent',
  });
  bundle = out.outputFiles[0].text;
  return bundle;
}

const STATIC: Record<string, { file: string; type: string }> = {
  '/codicon.css': { file: 'node_modules/@vscode/codicons/dist/codicon.css', type: 'text/css' },
  '/codicon.ttf': { file: 'node_modules/@vscode/codicons/dist/codicon.ttf', type: 'font/ttf' },
  '/uPlot.min.css': { file: 'node_modules/uplot/dist/uPlot.min.css', type: 'text/css' },
  '/media/panel.css': { file: 'media/panel.css', type: 'text/css' },
};

export interface PanelPage {
  page: Page;
  /** Deliver a host message the way VS Code does. */
  send(msg: HostMessage): Promise<void>;
  posted(): Promise<unknown[]>;
  state(): Promise<unknown>;
  cspViolations(): Promise<string[]>;
  dialogs: string[];
  /** Requests to paths the page should never ask for. */
  strayRequests: string[];
  /** Uncaught exceptions and console errors of the page. */
  pageErrors: string[];
  close(): Promise<void>;
}

export interface OpenOptions {
  theme?: Theme;
  state?: unknown;
  width?: number;
  height?: number;
}

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

/**
 * Mocha hooks for a suite of panel pages: one Chromium for the suite, and after each test
 * every page it opened and left open must have had no CSP violation, dialog, stray request or page error,
 * and is closed. Returns the function that opens a page.
 */
export function usePanelPages(): (opts?: OpenOptions) => Promise<PanelPage> {
  let browser: Browser | undefined;
  const opened: PanelPage[] = [];
  before(async () => {
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const p of opened.splice(0)) {
      if (p.page.isClosed()) continue; // a test that closed a page itself (e.g. to revive it)
      try {
        assert.deepEqual(await p.cspViolations(), [], 'no CSP violations');
        assert.deepEqual(p.dialogs, [], 'no dialogs');
        assert.deepEqual(p.strayRequests, [], 'no requests outside the bundled assets');
        assert.deepEqual(p.pageErrors, [], 'no page errors');
      } finally {
        await p.close();
      }
    }
  });
  return async (opts) => {
    if (!browser) throw new Error('usePanelPages(): the browser is not up yet (open pages inside tests)');
    const p = await openPanel(browser, opts);
    opened.push(p);
    return p;
  };
}

export async function openPanel(browser: Browser, opts: OpenOptions = {}): Promise<PanelPage> {
  const theme = THEMES[opts.theme ?? 'dark'];
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 } });
  const page = await context.newPage();
  const dialogs: string[] = [];
  const strayRequests: string[] = [];
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const js = await webviewBundle();
  const html = buildPanelHtml({
    cspSource: ORIGIN,
    nonce: makeNonce(),
    scriptUri: `${ORIGIN}/main.js`,
    styleUris: [`${ORIGIN}/codicon.css`, `${ORIGIN}/uPlot.min.css`, `${ORIGIN}/media/panel.css`],
  });
  await page.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    if (url.origin !== ORIGIN) {
      strayRequests.push(url.href);
      return route.abort();
    }
    if (url.pathname === '/index.html') return route.fulfill({ status: 200, contentType: 'text/html', body: html });
    if (url.pathname === '/main.js') return route.fulfill({ status: 200, contentType: 'text/javascript', body: js });
    const st = STATIC[url.pathname];
    if (st) return route.fulfill({ status: 200, contentType: st.type, body: fs.readFileSync(path.join(root, st.file)) });
    strayRequests.push(url.href);
    return route.fulfill({ status: 404, body: '' });
  });
  // tsx compiles these test files with esbuild's keepNames, which wraps functions in a
  // `__name(...)` helper; functions we hand to the page carry that call, so define it there.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript(
    ({ vars, bodyClass, state }) => {
      const w = window as unknown as Record<string, unknown>;
      w.__posted = [];
      w.__state = state;
      w.__csp = [];
      document.addEventListener('securitypolicyviolation', (e) => (w.__csp as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
      w.acquireVsCodeApi = () => ({
        postMessage: (m: unknown) => (w.__posted as unknown[]).push(JSON.parse(JSON.stringify(m))),
        getState: () => w.__state,
        setState: (s: unknown) => (w.__state = JSON.parse(JSON.stringify(s))),
      });
      // VS Code puts the theme on <html> as CSS variables and on <body> as a class.
      const apply = () => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
        document.documentElement.style.setProperty('--vscode-font-family', 'system-ui, "Segoe UI", "Ubuntu", sans-serif');
        document.documentElement.style.setProperty('--vscode-font-size', '13px');
        document.documentElement.style.setProperty('--vscode-editor-font-family', '"DejaVu Sans Mono", monospace');
        if (document.body) document.body.className = bodyClass;
      };
      if (document.documentElement) apply();
      new MutationObserver(() => {
        if (document.body && !document.body.className) apply();
      }).observe(document, { childList: true, subtree: true });
    },
    { vars: theme.vars, bodyClass: theme.bodyClass, state: opts.state ?? null },
  );
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'), undefined, { timeout: 10_000 }).catch((e) => {
    throw new Error(`the panel never said ready: ${pageErrors.join('; ') || e}`);
  });
  return {
    page,
    dialogs,
    strayRequests,
    pageErrors,
    send: async (msg) => {
      await page.evaluate((m) => window.postMessage(m, '*'), msg as unknown as Record<string, unknown>);
    },
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    state: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
    cspViolations: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp),
    close: () => context.close(),
  };
}

/** Let the page run its pending animation frames. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))));
}

/** Count chart pixels of about the colour `rgb` (any non-transparent pixel when omitted). */
export async function inkedPixels(page: Page, rgb?: [number, number, number]): Promise<number> {
  return page.evaluate((rgb) => {
    const api = (window as unknown as { queuescopePanel: { chartCanvas(): HTMLCanvasElement | null } }).queuescopePanel;
    const c = api.chartCanvas();
    if (!c || !c.width || !c.height) return 0;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] === 0) continue;
      if (!rgb || (Math.abs(data[i] - rgb[0]) < 24 && Math.abs(data[i + 1] - rgb[1]) < 24 && Math.abs(data[i + 2] - rgb[2]) < 24 && data[i + 3] > 200)) n++;
    }
    return n;
  }, rgb);
}
