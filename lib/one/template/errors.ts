/** The text is not valid OpenNebula template syntax; line and columns as oned reports them. */
export class TemplateSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly line: number,
    readonly firstColumn: number,
    readonly lastColumn: number,
    options?: ErrorOptions,
  ) {
    super(`${reason} at line ${line}, columns ${firstColumn}:${lastColumn}`, options);
    this.name = 'TemplateSyntaxError';
  }
}

/** An attribute name or value that OpenNebula template syntax cannot carry unchanged. */
export class TemplateValueError extends Error {
  constructor(
    readonly attribute: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`attribute ${attribute}: ${reason}`, options);
    this.name = 'TemplateValueError';
  }
}
