import { mulberry32 } from '../../lib/replay/prng';

/**
 * How a failing call fails:
 * - `error`: oned answers [false, "[method] ...", INTERNAL] without doing anything;
 * - `fault`: an XML-RPC fault (-500) without doing anything;
 * - `http-500`: an HTTP 500 without doing anything;
 * - `drop`: the connection is closed before the call is run;
 * - `lost-response`: the call IS run, then the connection is closed (the caller cannot know).
 */
export type FailureMode = 'error' | 'fault' | 'http-500' | 'drop' | 'lost-response';

export interface MethodFailure {
  /** Exact method name, a prefix ending in '*' ("one.vm.*"), or '*' for all (the default). */
  readonly method?: string;
  /** Probability in [0, 1] that a matching call fails. */
  readonly rate: number;
  readonly mode?: FailureMode;
}

export interface Latency {
  readonly method?: string;
  readonly fixedMs?: number;
  /** Adds a uniform random delay in [0, randomMs). */
  readonly randomMs?: number;
}

export interface FaultConfig {
  /** Seed of the fault PRNG (default 1): the same seed and calls give the same failures. */
  readonly seed?: number;
  readonly methodFailures?: readonly MethodFailure[];
  readonly latency?: readonly Latency[];
  /** Boot failures: the next `count` boots (on `hostId`, or any host) end in BOOT_FAILURE. */
  readonly bootFailures?: readonly { readonly count: number; readonly hostId?: number }[];
  /** Hosts in ERROR (their RUNNING VMs in UNKNOWN) until cleared. */
  readonly hostErrors?: readonly number[];
}

const matches = (pattern: string | undefined, method: string): boolean =>
  pattern === undefined || pattern === '*' || pattern === method || (pattern.endsWith('*') && method.startsWith(pattern.slice(0, -1)));

/** The live fault state: what to do to the next call or boot. */
export class Faults {
  private config: FaultConfig = {};
  private random: () => number = mulberry32(1);
  private boots: { count: number; hostId?: number }[] = [];

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  set(config: FaultConfig): void {
    this.config = config;
    this.random = mulberry32(config.seed ?? 1);
    this.boots = (config.bootFailures ?? []).map((b) => ({ ...b }));
  }

  get(): FaultConfig {
    return { ...this.config, bootFailures: this.boots.filter((b) => b.count > 0) };
  }

  failure(method: string): FailureMode | undefined {
    for (const f of this.config.methodFailures ?? []) {
      if (matches(f.method, method) && this.random() < f.rate) return f.mode ?? 'error';
    }
    return undefined;
  }

  latencyMs(method: string): number {
    let ms = 0;
    for (const l of this.config.latency ?? []) {
      if (matches(l.method, method)) ms += (l.fixedMs ?? 0) + (l.randomMs ? this.random() * l.randomMs : 0);
    }
    return ms;
  }

  failBoots(count: number, hostId?: number): void {
    this.boots.push({ count, hostId });
  }

  /** Consumes one armed boot failure that applies to the host, if any. */
  bootFails(hostId: number): boolean {
    const armed = this.boots.find((b) => b.count > 0 && (b.hostId === undefined || b.hostId === hostId));
    if (!armed) return false;
    armed.count -= 1;
    return true;
  }
}
