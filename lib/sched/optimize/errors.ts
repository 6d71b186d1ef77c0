/** Options the optimiser cannot work with; the message names the option and what to change. */
export class OptimizeOptionsError extends Error {
  constructor(
    readonly option: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${option}: ${reason}`, options);
    this.name = 'OptimizeOptionsError';
  }
}
