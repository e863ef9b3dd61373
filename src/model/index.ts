// The live model of QueueScope: plain TypeScript, no vscode. See docs/EXTENSION.md.
export * from './emitter';
export * from './entities';
export * from './parse';
export * from './store';
export * from './timeline';
