// The few helpers every bench script shares: its `--name value` options and a median.
// Benches are plain Node scripts (no build step), so this is CommonJS too.
'use strict';

/** The value after `name` in argv, or `fallback`; numeric when the fallback is a number. */
function option(name, fallback, argv = process.argv.slice(2)) {
  const i = argv.indexOf(name);
  if (i < 0 || i + 1 >= argv.length) return fallback;
  return typeof fallback === 'number' ? Number(argv[i + 1]) : argv[i + 1];
}

/** The middle value (the mean of the two middle ones for an even count). */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

module.exports = { option, median };
