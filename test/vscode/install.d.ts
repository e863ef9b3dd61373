// Types for install.js.
/** Installs code-server when missing; returns the package directory. */
export declare function install(): string;
export declare function isComplete(dir: string): boolean;
/** The apt packages (of the given list, default: the ones the harness needs) that are not installed. */
export declare function missingAptPackages(packages?: string[]): string[];
