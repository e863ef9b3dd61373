// A cancellable notification with a progress bar, for the long file jobs (opening and
// exporting a recording): the Cancel button aborts the job's AbortSignal, and the bar moves
// by percent.

import * as vscode from 'vscode';

export class ProgressBar {
  private reported = 0;

  constructor(private readonly progress: vscode.Progress<{ message?: string; increment?: number }>) {}

  /** Percent shown so far. */
  get at(): number {
    return this.reported;
  }

  /** Move the bar to `percent` (0..100), optionally with a line of detail. */
  to(percent: number, message?: string): void {
    this.progress.report({ increment: percent - this.reported, ...(message !== undefined ? { message } : {}) });
    this.reported = percent;
  }
}

export function withCancellableProgress<T>(title: string, job: (signal: AbortSignal, bar: ProgressBar) => Promise<T>): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      return await job(abort.signal, new ProgressBar(progress));
    } finally {
      cancel.dispose();
    }
  });
}
