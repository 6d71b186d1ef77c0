/** The vocabulary every layer shares (jobs, their states, classes and preempt modes, callers); it imports nothing. */
export * from './job';
export * from './caller';
