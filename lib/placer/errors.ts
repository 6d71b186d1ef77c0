/** The request on stdin cannot be read as a SCHEDULER_DRIVER_ACTION document. */
export class PlacerInputError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PlacerInputError';
  }
}

/** rank.conf cannot be read. */
export class PlacerConfigError extends Error {
  constructor(readonly file: string, message: string, options?: ErrorOptions) {
    super(`${file}: ${message}`, options);
    this.name = 'PlacerConfigError';
  }
}
