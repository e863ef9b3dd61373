// The dependency arrows of docs/ARCHITECTURE.md are lint rules (eslint.config.mjs). These
// tests lint small made-up files placed in each folder with the project's real config, so a
// rule that stops matching (a moved folder, a typo in a pattern) fails here, and the real
// tree is checked by `npx eslint .`.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const ROOT = path.join(__dirname, '../../..');
const eslint = new ESLint({ cwd: ROOT });

/** The `no-restricted-imports` messages for `source` as if it were the file `file`. */
async function arrowErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: path.join(ROOT, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/** Each case: a file, an import it must not have, and one it may have. */
const CASES: { file: string; broken: string; allowed?: string }[] = [
  { file: 'src/queue/x.ts', broken: "import { Hub } from '../trace/hub';", allowed: "import { Queue } from './queue';" },
  { file: 'src/queue/x.ts', broken: "import type { DrainBatch } from '../protocol/wire';" },
  { file: 'src/trace/x.ts', broken: "import { QueueModel } from '../model/store';", allowed: "import type { QueueProbe } from '../queue/probe';" },
  { file: 'src/trace/x.ts', broken: "import * as vscode from 'vscode';", allowed: "import type { DrainBatch } from '../protocol/wire';" },
  { file: 'src/protocol/x.ts', broken: "import { QueueModel } from '../model/store';" },
  { file: 'src/model/x.ts', broken: "import * as vscode from 'vscode';", allowed: "import type { DrainBatch } from '../protocol/wire';" },
  { file: 'src/model/x.ts', broken: "import { PanelFeed } from '../host/panel/feed';" },
  { file: 'src/recording/x.ts', broken: "import * as vscode from 'vscode';", allowed: "import { QueueModel } from '../model';" },
  { file: 'src/host/panel/x.ts', broken: "import * as vscode from 'vscode';", allowed: "import * as path from 'node:path';" },
  { file: 'src/host/x.ts', broken: "import { activate } from '../extension/extension';" },
  { file: 'src/webview/x.ts', broken: "import * as fs from 'node:fs';", allowed: "import type { HostMessage } from '../protocol/webview';" },
  { file: 'src/webview/x.ts', broken: "import * as vscode from 'vscode';" },
  { file: 'src/webview/x.ts', broken: "import { QueueModel } from '../model/store';" },
  { file: 'src/samples/x.ts', broken: "import { Queue } from '../queue/queue';", allowed: "import { Queue } from 'queuescope';" },
  { file: 'src/samples/lib/x.ts', broken: "import { Hub } from '../../trace/hub';", allowed: "import { log } from './run';" },
  { file: 'src/extension/panel/x.ts', broken: "import { Store } from '../../webview/store';", allowed: "import type { HostMessage } from '../../protocol/webview';" },
];

describe('dependency arrows (lint rules)', function () {
  this.timeout(60_000);

  for (const c of CASES) {
    it(`${c.file}: rejects ${c.broken}`, async () => {
      const errors = await arrowErrors(c.file, `${c.broken}\nexport const used = [${importedName(c.broken)}];\n`);
      assert.equal(errors.length, 1, `expected one arrow error, got ${JSON.stringify(errors)}`);
      assert.match(errors[0], /ARCHITECTURE\.md/);
    });
    const allowed = c.allowed;
    if (allowed !== undefined) {
      it(`${c.file}: accepts ${allowed}`, async () => {
        assert.deepEqual(await arrowErrors(c.file, `${allowed}\nexport const used = [${importedName(allowed)}];\n`), []);
      });
    }
  }

  it('src/extension/ may import vscode', async () => {
    assert.deepEqual(await arrowErrors('src/extension/x.ts', "import * as vscode from 'vscode';\nexport const used = [vscode];\n"), []);
  });
});

/** The local name an import line binds, so the made-up file uses it (no unused-vars noise). */
function importedName(line: string): string {
  const m = /import (?:type )?(?:\* as (\w+)|\{ (\w+) \})/.exec(line);
  if (!m) throw new Error(`cannot read import: ${line}`);
  return line.includes('import type') ? '0' : (m[1] ?? m[2] ?? '0');
}
