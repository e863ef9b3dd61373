// Types for config.js (plain JS so install.js runs before `npm ci`).
export declare const CODE_SERVER_VERSION: string;
export declare const projectRoot: string;
export declare const testRoot: string;
export declare function installDir(): string;
export declare function machineCacheDir(): string | null;
export declare function tmpDir(): string;
export declare function vscodeDir(pkgRoot: string): string;
export declare function serverMain(pkgRoot: string): string;
export declare const artifactsDir: string;
