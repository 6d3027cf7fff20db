export { Instance, type InstanceState, type InstanceStatus, type LogSink, type ProcessSpec } from './instance.ts';
export { type Deployment, Supervisor, UnknownProcessError } from './supervisor.ts';
export { controlApp, type Gateway } from './control.ts';
export { foregroundPrinter } from './printer.ts';
export { type Launched, launch, type LaunchOptions, type PlatformProcesses } from './launch.ts';
export { envNameOf, replicaPortRange, type RouteSpec, type ServiceSpec, type SystemMap, servicePort } from './system-map.ts';
