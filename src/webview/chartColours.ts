// The chart's colours, read from the VS Code theme's CSS variables (with fallbacks for a
// page outside VS Code), and the alpha helper the bands use. Split from chart.ts so that
// file keeps to the plot itself.

export interface Colours {
  depth: string;
  full: string;
  blocked: string;
  waiting: string;
  text: string;
  grid: string;
  font: string;
  palette: string[];
  /** BullMQ job states (none of them the depth's blue: the backlog line is blue). */
  states: Record<string, string>;
}

export function themeColours(): Colours {
  const cs = getComputedStyle(document.body);
  const v = (name: string, fallback: string) => cs.getPropertyValue(name).trim() || fallback;
  const depth = v('--vscode-charts-blue', '#3794ff');
  return {
    depth,
    full: v('--vscode-charts-red', '#f14c4c'),
    blocked: v('--vscode-charts-orange', '#d18616'),
    waiting: v('--vscode-charts-purple', '#b180d7'),
    text: v('--vscode-descriptionForeground', v('--vscode-foreground', '#888888')),
    grid: withAlpha(v('--vscode-charts-lines', v('--vscode-foreground', '#808080')), 0.18),
    font: v('--vscode-font-family', 'sans-serif'),
    states: {
      waiting: v('--vscode-charts-green', '#89d185'),
      active: v('--vscode-charts-orange', '#d18616'),
      delayed: v('--vscode-charts-purple', '#b180d7'),
      prioritized: v('--vscode-charts-yellow', '#cca700'),
      'waiting-children': v('--vscode-foreground', '#cccccc'),
      completed: v('--vscode-descriptionForeground', '#999999'),
      failed: v('--vscode-charts-red', '#f14c4c'),
      paused: withAlpha(v('--vscode-foreground', '#cccccc'), 0.5),
    },
    palette: [depth, v('--vscode-charts-green', '#89d185'), v('--vscode-charts-orange', '#d18616'), v('--vscode-charts-purple', '#b180d7'), v('--vscode-charts-yellow', '#cca700'), v('--vscode-charts-red', '#f14c4c'), v('--vscode-foreground', '#cccccc'), v('--vscode-terminal-ansiCyan', '#11a8cd')],
  };
}

/** `color` at opacity `a` (theme colours arrive as #rgb, #rrggbb, #rrggbbaa or rgb()/rgba()). */
export function withAlpha(color: string, a: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color);
  if (hex) {
    let h = hex[1];
    if (h.length === 3 || h.length === 4) h = [...h].map((ch) => ch + ch).join('');
    const r = parseInt(h.slice(0, 2), 16);
    const g = parseInt(h.slice(2, 4), 16);
    const b = parseInt(h.slice(4, 6), 16);
    const base = h.length === 8 ? parseInt(h.slice(6, 8), 16) / 255 : 1;
    return `rgba(${r}, ${g}, ${b}, ${(a * base).toFixed(3)})`;
  }
  const rgb = /^rgba?\(([^,]+),([^,]+),([^,)]+)(?:,([^)]+))?\)$/i.exec(color.replace(/\s+/g, ''));
  if (rgb) return `rgba(${rgb[1]}, ${rgb[2]}, ${rgb[3]}, ${(a * (rgb[4] ? parseFloat(rgb[4]) : 1)).toFixed(3)})`;
  return color;
}
