// Lint config: typescript-eslint's recommended rules over the sources and tests, plus the
// dependency arrows of docs/ARCHITECTURE.md as per-folder `no-restricted-imports` rules, so
// a broken arrow fails `npx eslint .` (test/unit/architecture/arrows.test.ts proves it).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** One rule entry per folder: what its files may not import, and why (shown in the error). */
const arrow = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});
const noVscode = { group: ['vscode'], message: 'Only src/extension/ imports vscode (docs/ARCHITECTURE.md).' };
const noNode = { group: ['node:*'], message: 'The webview runs in a browser: no node:* (docs/ARCHITECTURE.md).' };
const noExtension = { regex: '^(\\.\\./)+extension(/|$)', message: 'Nothing outside src/extension/ imports it (docs/ARCHITECTURE.md).' };

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-artifacts/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', globalThis: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  // The arrows. Each folder lists what it must not reach; everything else is allowed.
  arrow(['src/queue/**'], [
    { regex: '^\\.\\./', message: 'src/queue/ imports no other folder: it knows the tracer only through probe.ts (docs/ARCHITECTURE.md).' },
    noVscode,
  ]),
  // src/trace/ has one subfolder (adapters/): each level leaves the folder by its own prefix.
  ...[['src/trace/*.ts', '\\.\\./'], ['src/trace/adapters/**', '\\.\\./\\.\\./']].map(([files, up]) =>
    arrow([files], [
      { regex: `^${up}(?!queue/|protocol/)[^./]`, message: 'src/trace/ imports only src/queue/ and src/protocol/ (docs/ARCHITECTURE.md).' },
      noVscode,
    ]),
  ),
  arrow(['src/protocol/**'], [
    { regex: '^\\.\\./', message: 'src/protocol/ is types and constants shared by every side: it imports no other folder (docs/ARCHITECTURE.md).' },
    noVscode,
  ]),
  arrow(['src/model/**'], [
    { regex: '^\\.\\./(?!protocol/)', message: 'src/model/ imports only src/protocol/ (docs/ARCHITECTURE.md).' },
    noVscode,
  ]),
  arrow(['src/recording/**'], [
    { regex: '^\\.\\./(?!protocol/|model(/|$))', message: 'src/recording/ imports only src/model/ and src/protocol/ (docs/ARCHITECTURE.md).' },
    noVscode,
  ]),
  arrow(['src/host/**'], [noVscode, noExtension]),
  // src/diagnostics/ is two levels deep (rules/): each level leaves the folder by its own prefix.
  ...[['src/diagnostics/*.ts', '\\.\\./'], ['src/diagnostics/rules/**', '\\.\\./\\.\\./']].map(([files, up]) =>
    arrow([files], [
      { regex: `^${up}(?!model(/|$)|protocol/|recording/)[^./]`, message: 'src/diagnostics/ imports only src/model/, src/recording/ and src/protocol/ (docs/ARCHITECTURE.md).' },
      noVscode,
      { group: ['node:*'], message: 'src/diagnostics/ runs wherever the model does: no node:* (docs/ARCHITECTURE.md).' },
    ]),
  ),
  arrow(['src/redis/**'], [
    { regex: '^\\.\\./(?!model(/|$)|protocol/)', message: 'src/redis/ imports only src/model/ and src/protocol/ (docs/ARCHITECTURE.md).' },
    noVscode,
  ]),
  arrow(['src/cli/**'], [
    { regex: '^\\.\\./(?!diagnostics/|recording/|model(/|$)|protocol/|host/sourceMaps/)', message: 'src/cli/ imports only src/diagnostics/, src/recording/, src/model/, src/protocol/ and src/host/sourceMaps/ (docs/ARCHITECTURE.md).' },
    noVscode,
  ]),
  arrow(['src/webview/**'], [
    { regex: '^\\.\\./(?!protocol/)', message: 'src/webview/ shares only src/protocol/ with the other sides (docs/ARCHITECTURE.md).' },
    noVscode,
    noNode,
  ]),
  // The samples are written as a user would: the published library as 'queuescope', their
  // own helpers (lib/) and node:*, nothing else of the project.
  arrow(['src/samples/**'], [
    { regex: '^(\\.\\./)+(?!lib/)[^./]', message: 'src/samples/ imports only the library, as a user would (\'queuescope\'), and its own lib/ (docs/ARCHITECTURE.md).' },
    noVscode,
  ]),
  arrow(['src/extension/**'], [
    { regex: '^(\\.\\./)+webview(/|$)', message: 'The webview is a browser bundle: src/extension/ talks to it only through src/protocol/webview.ts (docs/ARCHITECTURE.md).' },
  ]),
);
