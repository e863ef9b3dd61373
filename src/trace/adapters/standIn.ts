// A function the program gets in place of a library's own (a wrapped factory, a wrapped
// pipeline(), p-limit's limit): it must look like the original, since programs and
// libraries read what hangs off it (fastq's `.promise`, p-limit 3's `.default`).

type AnyFn = (...args: never[]) => unknown;

/** Give `standIn` the `name` and `length` of `original`. */
export function sameSignature(standIn: AnyFn, original: AnyFn): void {
  Object.defineProperty(standIn, 'name', { value: original.name });
  Object.defineProperty(standIn, 'length', { value: original.length });
}

/**
 * Copy `original`'s own properties other than `name`, `length` and `prototype` onto
 * `standIn`, descriptors as they are; one whose value is `original` itself (a `.default`
 * alias) points at `standIn`, so the alias still names what the program was given.
 */
export function copyOwnProperties(standIn: AnyFn, original: AnyFn): void {
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    const d = Object.getOwnPropertyDescriptor(original, key);
    if (d !== undefined) Object.defineProperty(standIn, key, d.value === original ? { ...d, value: standIn } : d);
  }
}
