// A drain a reader can fetch without compiling a script in the debuggee (issue #17,
// debuggee growth). Every evaluate compiles a script the inspector keeps some memory for,
// even once collected; a custom object formatter is a function that already exists. With
// `Runtime.setCustomObjectFormatterEnabled(true)` on its session, V8 calls every
// `globalThis.devtoolsFormatters[i].header(obj)` for each object it describes to that
// session, and returns a non-null header, JSON-stringified, as the object's
// `customPreview.header`. So the reader holds one object (the holder, made once by
// evaluate) whose only property is a marker, and each `Runtime.getProperties` of the
// holder runs our header for the marker: one columnar drain, answered inside the header.
//
// Our formatter goes first in the list (a user's catch-all formatter would otherwise answer
// for our marker) and returns null for anything else, at the cost of one WeakMap lookup per
// object the debugger describes. It never throws: V8 would print a formatter's error in
// the Debug Console. The global list is created non-enumerable when the program has none.
// The header is [PULL_TAG, {}, drain text]: the reader checks the tag, so a header that is
// not ours (another formatter put in front since) makes it fall back to evaluate.

import { PULL_TAG } from '../protocol/hub';

/** What a reader's getProperties sees: one property, `drain`, holding the marker. */
export interface PullHolder {
  drain: object;
}

/** Marker -> its drain. Weak: a holder the reader released takes its marker with it. */
const drains = new WeakMap<object, () => string>();

const formatter = {
  header(obj: unknown): unknown {
    try {
      const drain = typeof obj === 'object' && obj !== null ? drains.get(obj) : undefined;
      return drain ? [PULL_TAG, {}, drain()] : null;
    } catch {
      return null;
    }
  },
  hasBody(): boolean {
    return false;
  },
};

/** Put our formatter first in `globalThis.devtoolsFormatters`; false when that is not an array we can use. */
function install(): boolean {
  const g = globalThis as { devtoolsFormatters?: unknown };
  if (g.devtoolsFormatters === undefined) {
    Object.defineProperty(globalThis, 'devtoolsFormatters', { value: [], writable: true, configurable: true, enumerable: false });
  }
  const list = g.devtoolsFormatters;
  if (!Array.isArray(list) || Object.isFrozen(list)) return false;
  if (list[0] !== formatter) {
    const at = list.indexOf(formatter);
    if (at > 0) list.splice(at, 1);
    list.unshift(formatter);
  }
  return true;
}

/**
 * A holder whose marker drains with `drain` each time a debugger describes it, or an
 * error text when this realm's formatter list cannot take ours.
 */
export function pullHolder(drain: () => string): PullHolder | string {
  try {
    if (!install()) return 'globalThis.devtoolsFormatters is not an array';
    const marker = Object.freeze(Object.create(null) as object);
    drains.set(marker, drain);
    const holder = Object.create(null) as PullHolder;
    holder.drain = marker;
    return holder;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
