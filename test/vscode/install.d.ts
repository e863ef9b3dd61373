// Types for install.js.
/** Installs code-server when missing; returns the package directory. */
export declare function install(): string;
export declare function isComplete(dir: string): boolean;
