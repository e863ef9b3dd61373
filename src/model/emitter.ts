// A tiny synchronous event emitter. The model must not import vscode, so it cannot use
// vscode.EventEmitter; this one has the same shape (subscribe returns a disposable).

/** Something that can be released; structurally compatible with vscode.Disposable. */
export interface Disposable {
  dispose(): void;
}

export type Listener<T> = (event: T) => void;

/** Synchronous fan-out of events. A listener that throws does not stop the others. */
export class Emitter<T> {
  private listeners: Listener<T>[] = [];

  constructor(private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  /** Subscribe; dispose the result to unsubscribe. */
  readonly event = (listener: Listener<T>): Disposable => {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  };

  fire(event: T): void {
    // Copy: a listener may unsubscribe (or subscribe) while we iterate.
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.length;
  }

  dispose(): void {
    this.listeners = [];
  }
}
