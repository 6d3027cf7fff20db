export {
  eventually,
  type FakeDependency,
  fakeDependency,
  handledCount,
  probeEvents,
  publish,
  type SeenEvent,
  tempDir,
} from './helpers.ts';
export { ADMIN, asUser } from './identity.ts';
export { type InProcessService, startInProcess } from './in-process.ts';
export { bundleService, freePort, killAll, type ServiceProcess, startProcess } from './processes.ts';
export { type Json, type SystemProcesses, systemDirOf, systemProcesses } from './system-processes.ts';
