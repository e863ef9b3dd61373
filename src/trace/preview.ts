// Safe, bounded text previews of queue items for snapshots. The item is the user's data and
// may be hostile: cycles, throwing getters, Proxies, huge strings, deep nesting, exotic
// objects. The renderer never calls user code it can avoid (no getters, no toString, no
// Proxy traps when the host can detect Proxies) and never throws.

import { builtin } from './env';

export interface PreviewLimits {
  /** Characters of output (the result may end with a truncation marker). */
  maxChars: number;
  /** Nesting levels shown before `[Object]`/`[Array]`. */
  maxDepth: number;
  /** Entries shown per object, array, Map or Set. */
  maxEntries: number;
  /** Characters of any one string. */
  maxString: number;
}

export const PREVIEW_LIMITS: Readonly<PreviewLimits> = { maxChars: 400, maxDepth: 3, maxEntries: 8, maxString: 120 };

interface UtilTypes {
  isProxy(v: unknown): boolean;
  isMap(v: unknown): boolean;
  isSet(v: unknown): boolean;
  isDate(v: unknown): boolean;
  isNativeError(v: unknown): boolean;
  isTypedArray(v: unknown): boolean;
  isWeakMap(v: unknown): boolean;
  isWeakSet(v: unknown): boolean;
  isPromise(v: unknown): boolean;
}

let utilTypes: UtilTypes | null | undefined;
function types(): UtilTypes | null {
  if (utilTypes === undefined) utilTypes = builtin<{ types?: UtilTypes }>('node:util')?.types ?? null;
  return utilTypes;
}

// Intrinsics captured at load, so a program that patches prototypes cannot redirect them.
const getProto = Object.getPrototypeOf;
const getOwnDesc = Object.getOwnPropertyDescriptor;
const ownKeys = Reflect.ownKeys;
const mapEntries = Map.prototype.entries;
const mapSize = getOwnDesc(Map.prototype, 'size')?.get;
const setValues = Set.prototype.values;
const setSize = getOwnDesc(Set.prototype, 'size')?.get;
const dateGetTime = Date.prototype.getTime;
const dateToISO = Date.prototype.toISOString;
const typedProto = getProto(Uint8Array.prototype) as object;
const typedLength = getOwnDesc(typedProto, 'length')?.get;
const typedTag = getOwnDesc(typedProto, Symbol.toStringTag)?.get;
const isArray = Array.isArray;

/** Render any value as bounded text. Never throws. */
export function previewValue(value: unknown, limits: PreviewLimits = PREVIEW_LIMITS): string {
  const r = new Renderer(limits);
  r.value(value, 0);
  return r.result();
}

class Renderer {
  private out = '';
  private truncated = false;
  private readonly seen: object[] = [];

  constructor(private readonly limits: PreviewLimits) {}

  result(): string {
    return this.truncated ? `${this.out}…` : this.out;
  }

  /** Append up to the character budget; once full, everything else is ignored (no throw). */
  emit(s: string): void {
    if (this.truncated) return;
    const room = this.limits.maxChars - this.out.length;
    if (s.length <= room) {
      this.out += s;
      return;
    }
    this.out += cutText(s, Math.max(0, room));
    this.truncated = true;
  }

  value(v: unknown, depth: number): void {
    if (this.truncated) return;
    try {
      this.any(v, depth);
    } catch {
      // Only user code can throw here (a Proxy trap the host could not detect).
      this.emit('<unrenderable>');
    }
  }

  private any(v: unknown, depth: number): void {
    switch (typeof v) {
      case 'string':
        return this.emit(quote(v, this.limits.maxString));
      case 'number':
        return this.emit(Object.is(v, -0) ? '-0' : String(v));
      case 'bigint':
        return this.emit(`${v}n`);
      case 'boolean':
        return this.emit(v ? 'true' : 'false');
      case 'undefined':
        return this.emit('undefined');
      case 'symbol':
        return this.emit(symbolText(v));
      case 'function':
        return this.emit(types()?.isProxy(v) === true ? 'Proxy {…}' : functionText(v));
    }
    if (v === null) return this.emit('null');
    this.object(v as object, depth);
  }

  private object(o: object, depth: number): void {
    const t = types();
    if (t !== null && t.isProxy(o)) return this.emit('Proxy {…}');
    if (this.seen.includes(o)) return this.emit('[Circular]');
    const name = className(o);
    if (t !== null ? t.isDate(o) : o instanceof Date) return this.emit(dateText(o, name));
    if (t !== null ? t.isNativeError(o) : o instanceof Error) return this.emit(errorText(o, name));
    if (t !== null && (t.isWeakMap(o) || t.isWeakSet(o))) return this.emit(`${name} { <items unknown> }`);
    if (t !== null && t.isPromise(o)) return this.emit(`${name} {…}`);
    const isMap = t !== null ? t.isMap(o) : o instanceof Map;
    const isSet = !isMap && (t !== null ? t.isSet(o) : o instanceof Set);
    const isTyped = t !== null ? t.isTypedArray(o) : ArrayBuffer.isView(o) && !(o instanceof DataView);
    const arr = isArray(o);
    if (depth >= this.limits.maxDepth) {
      return this.emit(arr ? '[Array]' : isMap || isSet || isTyped ? `[${name}]` : name === 'Object' ? '[Object]' : `[${name}]`);
    }
    this.seen.push(o);
    try {
      if (isMap) this.mapBody(o as Map<unknown, unknown>, name, depth);
      else if (isSet) this.setBody(o as Set<unknown>, name, depth);
      else if (isTyped) this.typedBody(o as Uint8Array, name, depth);
      else if (arr) this.arrayBody(o as unknown[], name, depth);
      else this.plainBody(o, name, depth);
    } finally {
      this.seen.pop();
    }
  }

  private mapBody(m: Map<unknown, unknown>, name: string, depth: number): void {
    const size = mapSize !== undefined ? (mapSize.call(m) as number) : 0;
    this.entriesBody(name, size, mapEntries.call(m) as Iterator<[unknown, unknown]>, ([key, value]) => {
      this.value(key, depth + 1);
      this.emit(' => ');
      this.value(value, depth + 1);
    });
  }

  private setBody(s: Set<unknown>, name: string, depth: number): void {
    const size = setSize !== undefined ? (setSize.call(s) as number) : 0;
    this.entriesBody(name, size, setValues.call(s) as Iterator<unknown>, (value) => this.value(value, depth + 1));
  }

  /** `Name(size) { a, b, … }`: at most maxEntries entries, stopping once the preview is full. */
  private entriesBody<E>(name: string, size: number, it: Iterator<E>, entry: (e: E) => void): void {
    this.emit(`${name}(${size}) {`);
    let n = 0;
    for (let step = it.next(); !step.done; step = it.next()) {
      if (this.truncated) break;
      if (n === this.limits.maxEntries) {
        this.emit(n > 0 ? ', …' : ' …');
        break;
      }
      this.emit(n > 0 ? ', ' : ' ');
      entry(step.value);
      n++;
    }
    this.emit(n > 0 ? ' }' : '}');
  }

  private typedBody(a: Uint8Array, name: string, depth: number): void {
    const len = typedLength !== undefined ? (typedLength.call(a) as number) : 0;
    const tag = typedTag !== undefined ? String(typedTag.call(a)) : 'TypedArray';
    // A subclass by its own name (Node's Buffer is a Uint8Array): the tag is the base's.
    this.emit(`${name !== '' && name !== 'Object' ? name : tag}(${len}) [`);
    const shown = Math.min(len, this.limits.maxEntries);
    for (let i = 0; i < shown && !this.truncated; i++) {
      this.emit(i > 0 ? ', ' : ' ');
      this.value(a[i], depth + 1);
    }
    this.emit(len > shown ? ', … ]' : shown > 0 ? ' ]' : ']');
  }

  private arrayBody(a: unknown[], name: string, depth: number): void {
    const len = a.length; // own data property of a real array: no trap, no getter
    this.emit(name === 'Array' ? '[' : `${name}(${len}) [`);
    const shown = Math.min(len, this.limits.maxEntries);
    for (let i = 0; i < shown && !this.truncated; i++) {
      this.emit(i > 0 ? ', ' : ' ');
      const d = getOwnDesc(a, i);
      if (d === undefined) this.emit('<empty>');
      else if ('value' in d) this.value(d.value, depth + 1);
      else this.emit('[Getter]');
    }
    if (len > shown) this.emit(`, … ${len - shown} more`);
    this.emit(shown > 0 ? ' ]' : ']');
  }

  private plainBody(o: object, name: string, depth: number): void {
    const keys = ownKeys(o);
    const prefix = name === 'Object' ? '' : name === '' ? '[Object: null prototype] ' : `${name} `;
    this.emit(`${prefix}{`);
    let n = 0;
    for (const key of keys) {
      const d = getOwnDesc(o, key);
      if (d === undefined || !d.enumerable) continue;
      if (this.truncated) break;
      if (n === this.limits.maxEntries) {
        this.emit(', …');
        break;
      }
      this.emit(n > 0 ? ', ' : ' ');
      this.emit(typeof key === 'symbol' ? `[${symbolText(key)}]` : keyText(key));
      this.emit(': ');
      if ('value' in d) this.value(d.value, depth + 1);
      else this.emit(d.set !== undefined && d.get === undefined ? '[Setter]' : '[Getter]');
      n++;
    }
    this.emit(n > 0 ? ' }' : '}');
  }
}

/** `s` cut to at most `max` UTF-16 units, never between the two halves of a surrogate pair (an emoji). */
function cutText(s: string, max: number): string {
  if (s.length <= max) return s;
  const c = s.charCodeAt(max - 1);
  return s.slice(0, c >= 0xd800 && c <= 0xdbff ? max - 1 : max);
}

function quote(s: string, max: number): string {
  if (s.length <= max) return JSON.stringify(s);
  const head = cutText(s, max);
  return `${JSON.stringify(head)}… (${s.length - head.length} more chars)`;
}

/**
 * quote() without the quotes, for text inside a label (`TypeError: …`, `Symbol(…)`). Slicing
 * quote()'s output kept a stray quote and lost the label's last character once it was cut.
 */
function innerText(s: string, max: number): string {
  const head = cutText(s, max);
  const body = JSON.stringify(head).slice(1, -1);
  return head.length === s.length ? body : `${body}… (${s.length - head.length} more chars)`;
}

function keyText(key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
}

function symbolText(s: symbol): string {
  const d = s.description;
  return d === undefined ? 'Symbol()' : `Symbol(${innerText(d, 60)})`;
}

/** A data property's value, looked up the prototype chain without running getters. */
function dataProp(o: object, key: PropertyKey): unknown {
  for (let p: object | null = o, i = 0; p !== null && i < 32; p = getProto(p) as object | null, i++) {
    const t = types();
    if (t !== null && t.isProxy(p)) return undefined;
    const d = getOwnDesc(p, key);
    if (d !== undefined) return 'value' in d ? d.value : undefined;
  }
  return undefined;
}

function functionText(f: unknown): string {
  const name = dataProp(f as object, 'name');
  const n = typeof name === 'string' && name !== '' ? name : '(anonymous)';
  let isClass = false;
  try {
    isClass = Function.prototype.toString.call(f).startsWith('class');
  } catch {
    isClass = false;
  }
  return isClass ? `[class ${n}]` : `[Function ${n}]`;
}

/** The constructor's name from the prototype chain ('' for a null prototype). */
function className(o: object): string {
  const proto = getProto(o) as object | null;
  if (proto === null) return '';
  const ctor = dataProp(proto, 'constructor');
  if (typeof ctor === 'function') {
    const name = dataProp(ctor, 'name');
    if (typeof name === 'string' && name !== '') return name;
  }
  // An anonymous class, a Proxy on the chain: the tag, read as a data property like the rest.
  // Object.prototype.toString would run a Symbol.toStringTag getter or a Proxy's trap.
  const tag = dataProp(o, Symbol.toStringTag);
  return typeof tag === 'string' && tag !== '' ? tag : 'Object';
}

function dateText(d: object, name: string): string {
  const time = dateGetTime.call(d);
  const text = Number.isNaN(time) ? 'Invalid Date' : (dateToISO.call(d) as string);
  return name === 'Date' ? text : `${name} ${text}`;
}

function errorText(e: object, name: string): string {
  const n = dataProp(e, 'name');
  const m = dataProp(e, 'message');
  const label = typeof n === 'string' && n !== '' ? n : name;
  return typeof m === 'string' && m !== '' ? `${label}: ${innerText(m, 120)}` : `[${label}]`;
}
