// The panel's HTML page. Pure (no vscode import) so the real-browser tests build the very
// same page the host serves, with their own resource origin standing in for cspSource.

export interface PanelHtmlOptions {
  /** `webview.cspSource`: the only origin styles, fonts and images may come from. */
  cspSource: string;
  /** Fresh per render; the only script allowed is the one carrying it. */
  nonce: string;
  /** URIs (already converted with asWebviewUri) of the built assets. */
  scriptUri: string;
  styleUris: string[];
  /** Accessible title of the page. */
  title?: string;
}

/** A nonce: 32 random characters from [A-Za-z0-9]. */
export function makeNonce(random: (n: number) => Uint8Array = defaultRandom): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = random(32);
  let out = '';
  for (let i = 0; i < 32; i++) out += chars[bytes[i] % chars.length];
  return out;
}

function defaultRandom(n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  globalThis.crypto.getRandomValues(bytes);
  return bytes;
}

/** Escape for an attribute value / text in this template (only our own URIs go in here). */
function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  // img-src data: is for the PNG export of the chart (a canvas toDataURL shown/saved later).
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

/**
 * The page is an empty shell: every element with program data is created by main.js with
 * textContent. No inline style or script exists, so the CSP needs no 'unsafe-inline'.
 */
export function buildPanelHtml(o: PanelHtmlOptions): string {
  if (!/^[A-Za-z0-9]{16,}$/.test(o.nonce)) throw new Error('nonce must be at least 16 alphanumeric characters');
  const styles = o.styleUris.map((u) => `  <link rel="stylesheet" href="${esc(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta http-equiv="Content-Security-Policy" content="${esc(contentSecurityPolicy(o.cspSource, o.nonce))}">
  <meta name="viewport" content="width=device-width, initial-scale=1">
${styles}
  <title>${esc(o.title ?? 'QueueScope')}</title>
</head>
<body>
  <div id="app" class="app" aria-busy="true"></div>
  <script nonce="${o.nonce}" src="${esc(o.scriptUri)}"></script>
</body>
</html>
`;
}
