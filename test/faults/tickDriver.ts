/**
 * Starts the tick function ourselves, as the schedule and the early kicks would, through the
 * Lambda invoke API serverless-offline serves: so the suite does not wait for the 1-minute
 * schedule, and can start several ticks at once.
 */

/** What one invocation came to: it ran, found the lease held, was killed at a crash point, or failed. */
export type TickOutcome = 'ran' | 'lease-held' | `crash:${string}` | 'error';

export class TickDriver {
  readonly outcomes = new Map<TickOutcome, number>();
  /** Times several ticks were started at the same moment. */
  bursts = 0;
  private inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly lambdaEndpoint: string, private readonly functionName: string) {}

  /** One synchronous invocation (RequestResponse), counted by outcome. */
  async invoke(): Promise<TickOutcome> {
    let outcome: TickOutcome = 'error';
    try {
      const res = await fetch(`${this.lambdaEndpoint}/2015-03-31/functions/${this.functionName}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ source: 'fault-suite' }),
      });
      const body = await res.json().catch(() => undefined) as { skipped?: string; errorMessage?: string } | undefined;
      const crash = /crash injected at ([a-z-]+)/.exec(body?.errorMessage ?? '');
      if (crash) outcome = `crash:${crash[1]}`;
      else if (res.headers.get('x-amz-function-error') || body?.errorMessage) outcome = 'error';
      else outcome = body?.skipped === 'lease-held' ? 'lease-held' : 'ran';
    } catch {
      outcome = 'error';
    }
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    return outcome;
  }

  /** Starts `n` ticks at the same moment, without waiting for them. */
  burst(n: number): void {
    if (n > 1) this.bursts += 1;
    for (let i = 0; i < n; i += 1) {
      const p: Promise<void> = this.invoke().then(() => { this.inFlight.delete(p); });
      this.inFlight.add(p);
    }
  }

  /** Every `everyMs`, a burst of `n` ticks, as long as fewer than `maxInFlight` are still running. */
  start(everyMs: number, n: number, maxInFlight = 6): void {
    this.stop();
    this.timer = setInterval(() => {
      if (this.inFlight.size < maxInFlight) this.burst(Math.min(n, maxInFlight - this.inFlight.size));
    }, everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Stops starting ticks and waits for the running ones to end. */
  async drain(): Promise<void> {
    this.stop();
    await Promise.all([...this.inFlight]);
  }

  get started(): number {
    return [...this.outcomes.values()].reduce((a, b) => a + b, 0) + this.inFlight.size;
  }
}
