/**
 * Retry rules, as AWS Batch's retryStrategy: how many attempts, and for each kind of failure
 * whether to try again or stop (evaluateOnExit: the first rule that matches decides). A service
 * sets them in the configuration; a job may narrow them (fewer attempts, more reasons to stop),
 * never widen them.
 */

/** What went wrong: the VM never ran the service (boot), its host failed under it (host), its lifetime ran out, or the service exited non-zero. */
export const FAILURE_KINDS = ['boot', 'host', 'lifetime', 'exit'] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface Failure {
  readonly kind: FailureKind;
  /** For `exit`: the service's exit code. */
  readonly exitCode?: number;
}

export interface RetryRule {
  /** `boot`, `host`, `lifetime`, `exit:*` (any non-zero exit), `exit:CODE`, or `exit:GLOB` (`exit:1*`, as Batch's onExitCode). */
  readonly on: string;
  readonly action: 'retry' | 'stop';
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly attempts?: number;
  readonly rules?: readonly RetryRule[];
}

const RULE_PATTERN = /^(boot|host|lifetime|exit:[0-9*?]{1,8})$/;

/** Why a rule's `on` cannot be used, or undefined. */
export const badRule = (on: string): string | undefined =>
  RULE_PATTERN.test(on) ? undefined : `"${on}" is not boot, host, lifetime, exit:* or exit:CODE (digits, * and ? as in exit:1*)`;

const globMatches = (glob: string, text: string): boolean =>
  new RegExp(`^${glob.replace(/\*/g, '[0-9]*').replace(/\?/g, '[0-9]')}$`).test(text);

export function matches(rule: RetryRule, f: Failure): boolean {
  if (!rule.on.startsWith('exit:')) return rule.on === f.kind;
  return f.kind === 'exit' && f.exitCode !== undefined && globMatches(rule.on.slice(5), String(f.exitCode));
}

/** What a failure comes to when no rule of a service matches: infrastructure is tried again, the service's own end is not (unless the service has retry rules). */
const byDefault = (f: Failure, policy: RetryPolicy | undefined): 'retry' | 'stop' => {
  if (f.kind === 'boot' || f.kind === 'host') return 'retry';
  if (f.kind === 'exit') return policy?.attempts !== undefined && policy.attempts > 1 ? 'retry' : 'stop';
  return 'stop';
};

export interface RetryDecision {
  readonly retry: boolean;
  /** What the rules said, attempts left or not. */
  readonly action: 'retry' | 'stop';
  /** Attempts allowed in all. */
  readonly attempts: number;
  /** The rule that decided, if one did. */
  readonly rule?: RetryRule;
}

/**
 * Whether a job whose `attempt` (1 = the first) just failed so is tried again: the job's rules
 * first (they may only stop), then the service's, then the default; within the fewer attempts
 * of the two, the service's (or `fallbackAttempts`, the configuration's jobs.maxAttempts) when
 * neither says.
 */
export function decideRetry(f: Failure, attempt: number, service: RetryPolicy | undefined, job: RetryPolicy | undefined, fallbackAttempts: number): RetryDecision {
  const serviceAttempts = service?.attempts ?? fallbackAttempts;
  const attempts = Math.min(serviceAttempts, job?.attempts ?? serviceAttempts);
  const jobStop = (job?.rules ?? []).find((r) => matches(r, f));
  const serviceRule = (service?.rules ?? []).find((r) => matches(r, f));
  const rule = jobStop?.action === 'stop' ? jobStop : serviceRule ?? (jobStop?.action === 'retry' ? undefined : jobStop);
  const action = jobStop?.action === 'stop' ? 'stop' : serviceRule?.action ?? byDefault(f, service);
  return { retry: action === 'retry' && attempt < attempts, action, attempts, ...(rule ? { rule } : {}) };
}

/** "exit code 3", "boot failure"...: a failure in a reason. */
export const failureText = (f: Failure): string =>
  f.kind === 'exit' ? `exit code ${f.exitCode}` : f.kind === 'lifetime' ? 'lifetime reached' : `${f.kind} failure`;
