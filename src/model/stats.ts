// A snapshot's `stats` (library-specific figures, e.g. piscina's threads and wait-time
// percentiles) as the model keeps them: finite numbers only, or nothing.

export function statsOf(x: unknown): { stats?: Record<string, number> } {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return {};
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(x)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  return Object.keys(out).length > 0 ? { stats: out } : {};
}
