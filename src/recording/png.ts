// Checks a chart image the webview sends for "Export PNG" before anything is written: it
// must be a base64 `data:image/png` URL whose bytes start with the PNG signature and whose
// size is sane. The webview renders program data, so its messages are not trusted.

const PREFIX = 'data:image/png;base64,';
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Largest image accepted (a 4K chart is a few hundred KB). */
export const MAX_PNG_BYTES = 20 * 1024 * 1024;

/** The PNG's bytes, or a reason why the data URL is refused. */
export function decodePngDataUrl(value: unknown): Buffer | string {
  if (typeof value !== 'string') return 'not a string';
  if (!value.startsWith(PREFIX)) return 'not a data:image/png;base64 URL';
  const base64 = value.slice(PREFIX.length);
  if (base64.length > (MAX_PNG_BYTES * 4) / 3 + 4) return `larger than ${MAX_PNG_BYTES} bytes`;
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(base64)) return 'not valid base64';
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length < 33 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) return 'not a PNG image';
  // The first chunk of a PNG is IHDR.
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return 'not a PNG image (no IHDR)';
  return bytes;
}
