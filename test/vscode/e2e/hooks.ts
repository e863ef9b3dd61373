// Mocha root hooks for the UI tier (loaded with --require): one VS Code server and one Chromium
// for the whole run, always stopped; a screenshot of every open window when a test fails.
import type { Context } from 'mocha';
import { failureScreenshots, startSession, stopSession } from './session';

export const mochaHooks = {
  async beforeAll(this: Context) {
    this.timeout(180_000);
    await startSession();
  },
  async afterEach(this: Context) {
    const test = this.currentTest;
    if (test?.state === 'failed') await failureScreenshots(test.fullTitle());
  },
  async afterAll(this: Context) {
    this.timeout(30_000);
    await stopSession();
  },
};
