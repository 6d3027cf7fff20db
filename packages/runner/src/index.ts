export { controlApp, type Gateway } from './control.ts';
export {
  Instance,
  type InstanceState,
  type InstanceStatus,
  type LogSink,
  NODE_ARGS,
  type ProcessSpec,
} from './instance.ts';
export { type Launched, type LaunchOptions, launch, type PlatformProcesses } from './launch.ts';
export { type LifetimeOptions, stopWithStarter } from './lifetime.ts';
export { pidFilePath, RunnerBusyError } from './pid-file.ts';
export { platformProcesses } from './platform.ts';
export { foregroundPrinter } from './printer.ts';
export { type Deployment, Supervisor, UnknownProcessError } from './supervisor.ts';
export {
  envNameOf,
  gatewayRoutes,
  type RouteSpec,
  replicaPortRange,
  type ServiceSpec,
  type SystemMap,
  servicePort,
} from './system-map.ts';
