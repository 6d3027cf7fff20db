export { BUILT_DIR, ensureBuilt } from './assets.ts';
export { buildBoard, commandNamed, learn, learnDescribed, REACTION_WINDOW_MS } from './board.ts';
export { CONSOLE_GROUP, SystemFeed } from './feed.ts';
export { layoutBoard } from './layout.ts';
export * from './model.ts';
export { type ConsoleOptions, type InstalledConsole, installConsole } from './server.ts';
export { buildTimeline, type Handling, isCompensation, type Parking } from './timeline.ts';
