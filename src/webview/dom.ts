// Tiny DOM helpers. Program-supplied strings only ever go through textContent (or
// attribute setters for aria labels/titles): nothing here parses HTML.

type Child = Node | string | null | undefined | false;

export interface ElOptions {
  class?: string;
  attrs?: Record<string, string>;
  text?: string;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, opts: ElOptions = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (opts.class) node.className = opts.class;
  if (opts.attrs) for (const [k, v] of Object.entries(opts.attrs)) node.setAttribute(k, v);
  if (opts.text !== undefined) node.textContent = opts.text;
  append(node, children);
  return node;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  }
}

/** A codicon glyph; decorative, so hidden from screen readers (the text next to it speaks). */
export function icon(name: string, extra = ''): HTMLSpanElement {
  return el('span', { class: `codicon codicon-${name}${extra ? ' ' + extra : ''}`, attrs: { 'aria-hidden': 'true' } });
}

/** Replace all children. */
export function setChildren(parent: Node, children: Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

/**
 * Make `parent`'s children exactly `children`, in order, without taking out the ones that stay
 * (removing a node drops the keyboard focus inside it, and makes a live region read it again).
 * The child holding the keyboard focus is never moved, not even to reorder: the others are
 * moved around it (an insertBefore of the focused line blurred it, review of 7da254c).
 */
export function keepChildren(parent: Element, children: Element[]): void {
  const wanted = new Set<Node>(children);
  for (const c of [...parent.children]) if (!wanted.has(c)) c.remove();
  const active = document.activeElement;
  let anchor = active && active !== document.body ? children.findIndex((c) => c.parentNode === parent && c.contains(active)) : -1;
  if (anchor < 0) {
    // Nothing focused inside: keep the first child that is already there in place.
    anchor = children.findIndex((c) => c.parentNode === parent);
    if (anchor < 0) {
      for (const c of children) parent.appendChild(c);
      return;
    }
  }
  // Before the anchor, back to front: each one just before the next; after it, each one just after the one before.
  for (let i = anchor - 1; i >= 0; i--) {
    const c = children[i]!;
    const next = children[i + 1]!;
    if (c.nextElementSibling !== next || c.parentNode !== parent) parent.insertBefore(c, next);
  }
  for (let i = anchor + 1; i < children.length; i++) {
    const c = children[i]!;
    const prev = children[i - 1]!;
    if (c.previousElementSibling !== prev || c.parentNode !== parent) parent.insertBefore(c, prev.nextSibling);
  }
}

/** Set text only when it changed (cheap updates, no layout thrash). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * Run `fn` once at the next animation frame, or after `fallbackMs` if no frame comes first
 * (a webview that is not being painted gets no frames, but its clocks and lists must move on).
 * Returns a cancel function.
 */
export function nextFrame(fn: () => void, fallbackMs = 120): () => void {
  let done = false;
  const run = () => {
    if (done) return;
    done = true;
    cancelAnimationFrame(raf);
    clearTimeout(timer);
    fn();
  };
  const raf = requestAnimationFrame(run);
  const timer = setTimeout(run, fallbackMs);
  return () => {
    done = true;
    cancelAnimationFrame(raf);
    clearTimeout(timer);
  };
}
