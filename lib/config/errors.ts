/**
 * The configuration file was refused. `element` is the XML element path
 * (`/svmsched/services/service[2]/maxVcpu`, `/svmsched/services/service[1]/@id` for an
 * attribute, `/` for the document itself); the message names it and says what to change.
 */
export class ConfigInvalidError extends Error {
  constructor(
    readonly element: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${element}: ${reason}`, options);
    this.name = 'ConfigInvalidError';
  }
}
