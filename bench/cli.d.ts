// Types of bench/cli.js for the TypeScript bench scripts (bench/live/*.ts, bench/redis-watch.ts).

/** The value after `name` in argv, or `fallback`; numeric when the fallback is a number. */
export function option(name: string, fallback: string, argv?: string[]): string;
export function option(name: string, fallback: number, argv?: string[]): number;
/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number;
