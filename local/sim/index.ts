export { startSimulator, type Simulator, type SimulatorOptions, type FaultControl } from './server';
export { loadFixture, DEFAULT_FIXTURE_FILE, type Fixture } from './fixture';
export { FAST_TIMING, DEFAULT_TIMING, type Timing } from './lifecycle';
export type { Logger } from './logger';
export type { FaultConfig, FailureMode, MethodFailure, Latency } from './faults';
export type { SimState, VmRecord, HostRecord, JobOverlap } from './inspect';
export type { GuestRun } from './guest';
export type { OneGate, OneGateOptions } from './onegate';
