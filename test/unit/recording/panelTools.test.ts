// The panel's recording tools in a real browser (the panel's own Chromium harness): Save,
// PNG export of the chart (a real PNG the host accepts), and the replay's time cursor.

import * as assert from 'node:assert/strict';
import type { CursorStateMessage, WebviewMessage } from '../../../src/protocol/webview';
import { validateWebviewMessage } from '../../../src/protocol/webview';
import { decodePngDataUrl } from '../../../src/recording/png';
import { SESSION, XSS_NAME, initMessage, sessionInfo, site } from '../webview/fixtures';
import { settle, usePanelPages, type PanelPage } from '../webview/harness';

describe('panel recording tools (Chromium)', function () {
  this.timeout(60_000);
  const open = usePanelPages();
  let p: PanelPage;

  const posted = async <T extends WebviewMessage['type']>(type: T) =>
    ((await p.posted()) as WebviewMessage[]).filter((m): m is Extract<WebviewMessage, { type: T }> => m.type === type);

  const replayInit = () => {
    const init = initMessage({ mode: 'replay', sessions: [sessionInfo({ status: 'ended' })] });
    init.session!.status = 'ended';
    return init;
  };

  it('Save asks the host to save the shown session', async () => {
    p = await open();
    await p.send(initMessage());
    await p.page.locator('#save-recording').click();
    const saves = await posted('saveRecording');
    assert.deepEqual(saves, [{ type: 'saveRecording', session: SESSION }]);
    assert.equal(validateWebviewMessage(saves[0]).ok, true);
  });

  it('PNG sends the chart as a PNG the host accepts, on the theme background', async () => {
    p = await open({ theme: 'dark' });
    await p.send(initMessage());
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    await p.page.locator('#export-png').click();
    const [msg] = await posted('exportPng');
    assert.ok(msg, 'an exportPng message');
    assert.equal(msg.session, SESSION);
    assert.equal(msg.name, 'jobs');
    assert.equal(validateWebviewMessage(msg).ok, true);
    const png = decodePngDataUrl(msg.dataUrl);
    assert.ok(Buffer.isBuffer(png), `a valid PNG (${String(png)})`);
    // Width and height from the IHDR chunk match the chart canvas.
    const size = await p.page.evaluate(() => {
      const c = (window as unknown as { queuescopePanel: { chartCanvas(): HTMLCanvasElement } }).queuescopePanel.chartCanvas();
      return [c.width, c.height];
    });
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], size);
    // Opaque: the first pixel is Dark+'s editor background, not transparent.
    const firstPixel = await p.page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      const c = document.createElement('canvas');
      c.width = img.width;
      c.height = img.height;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return [...ctx.getImageData(0, 0, 1, 1).data];
    }, msg.dataUrl);
    assert.deepEqual(firstPixel, [0x1e, 0x1e, 0x1e, 255]);
  });

  it('PNG of a queue whose name is longer than a message field may be: the name is cut, the export still goes', async () => {
    p = await open();
    const init = initMessage();
    const long = '\u{1F4E6}'.repeat(60) + 'x'.repeat(300); // a cut mid-pair would leave a lone surrogate
    init.session!.queues = init.session!.queues.map((q) => (q.key === 'q-jobs' ? { ...q, name: long } : q));
    await p.send(init);
    await p.page.locator('#overview tr[data-key="q-jobs"]').click();
    await settle(p.page);
    await p.page.locator('#export-png').click();
    const [msg] = await posted('exportPng');
    assert.equal(validateWebviewMessage(msg).ok, true, 'the host accepts it');
    assert.equal(msg.name, '\u{1F4E6}'.repeat(60) + 'x'.repeat(40), 'the first 100 code points');
  });

  it('has no time cursor on a live session', async () => {
    p = await open();
    await p.send(initMessage());
    await settle(p.page);
    assert.equal(await p.page.locator('#time-cursor').isHidden(), true);
  });

  it('in a replay, the time cursor asks the host about an instant and shows depths and waiters as text', async () => {
    p = await open();
    await p.send(replayInit());
    await settle(p.page);
    await p.page.locator('#time-cursor').waitFor({ state: 'visible' });
    // Choosing an instant with the slider (keyboard operable) asks the host.
    await p.page.locator('#cursor-slider').fill('12000');
    await p.page.waitForFunction(() => (window as unknown as { __posted: { type: string; t?: number }[] }).__posted.some((m) => m.type === 'cursor' && m.t === 12000));
    const asks = await posted('cursor');
    const ask = asks.find((m) => m.t === 12000)!;
    assert.deepEqual(ask, { type: 'cursor', session: SESSION, start: sessionInfo().start, t: 12000 });
    assert.equal(validateWebviewMessage(ask).ok, true);

    const answer: CursorStateMessage = {
      type: 'cursorState',
      session: SESSION,
      t: 12000,
      queues: [
        { key: 'q-jobs', depth: 10, min: 9, max: 10 },
        { key: 'q-xss', depth: 1, min: 1, max: 1 },
      ],
      waiters: [
        { id: 'a', queue: 'q-jobs', role: 'put', since: 11_500, site: site(42) },
        { id: 'b', queue: 'q-xss', role: 'get', since: 2000 },
      ],
    };
    await p.page.evaluate((m) => window.postMessage(m, '*'), answer as unknown as Record<string, unknown>);
    await p.page.locator('#cursor-depths tr', { hasText: 'jobs' }).waitFor();
    const rows = await p.page.$$eval('#cursor-depths tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(rows, [
      ['jobs', '10', '9–10'],
      [XSS_NAME, '1', '1'],
    ]);
    assert.equal(await p.page.locator('#cursor-depths img').count(), 0, 'a hostile queue name stays text');
    assert.match((await p.page.locator('#cursor-waiters-head').textContent())!, /\(2\)/);
    const items = await p.page.locator('#cursor-waiters li').allInnerTexts();
    assert.match(items[0], /jobs[\s\S]*blocked put, for 500 ms/);
    assert.match(items[0], /producer \(pipeline\.js:42:11\)/);
    assert.match(items[1], /waiting get, for 10\.0 s/);

    // A click on the chart moves the cursor there (the host is asked again).
    const before = (await posted('cursor')).length;
    const box = (await p.page.locator('#chart .u-over').boundingBox())!;
    await p.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await p.page.waitForFunction((n) => (window as unknown as { __posted: { type: string }[] }).__posted.filter((m) => m.type === 'cursor').length > n, before);
    const last = (await posted('cursor')).at(-1)!;
    assert.ok(last.t > 0 && last.t < 30_000, `clicked instant ${last.t}`);
    assert.equal(await p.page.locator('#chart .cursor-line').isVisible(), true, 'the cursor line is drawn on the chart');
  });
});
