// The extension loads, activates, and registers everything its package.json contributes.
// Reads the manifest at run time, so each new command, view or setting is covered when it lands.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activate, declaredSettings, extension, manifest } from './helpers';

describe('activation', () => {
  it('loads the extension from the development folder and activates it', async () => {
    const ext = await activate();
    assert.equal(ext.isActive, true);
    assert.equal(ext.packageJSON.name, manifest().name);
  });

  it('registers a handler for every contributed command, all in the QueueScope category', async () => {
    await activate();
    const declared = manifest().contributes?.commands ?? [];
    assert.ok(declared.length > 0, 'package.json contributes no commands');
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of declared) {
      assert.match(c.command, /^queuescope\./, `command id ${c.command} must start with "queuescope."`);
      assert.equal(c.category, 'QueueScope', `command ${c.command} must be in the QueueScope category`);
      assert.ok(registered.has(c.command), `command ${c.command} is declared but the extension did not register it`);
    }
  });

  it('registers every contributed view (its focus command exists)', async () => {
    await activate();
    const views = Object.values(manifest().contributes?.views ?? {}).flat();
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const v of views) {
      assert.match(v.id, /^queuescope\./, `view id ${v.id} must start with "queuescope."`);
      assert.ok(registered.has(`${v.id}.focus`), `view ${v.id} is declared but VS Code has no ${v.id}.focus command`);
    }
  });

  it('registers every contributed setting with its declared default', async () => {
    await activate();
    const settings = declaredSettings();
    for (const [key, declaredDefault] of settings) {
      assert.match(key, /^queuescope\./, `setting ${key} must start with "queuescope."`);
      const inspected = vscode.workspace.getConfiguration().inspect(key);
      assert.ok(inspected, `setting ${key} is not known to VS Code`);
      assert.deepEqual(inspected.defaultValue, declaredDefault, `default of ${key}`);
    }
  });

  it('has no other extension claiming its id', () => {
    const all = vscode.extensions.all.filter((e) => e.id.toLowerCase() === extension().id.toLowerCase());
    assert.equal(all.length, 1);
  });
});
