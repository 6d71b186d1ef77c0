/** Errors of the OpenNebula client, named for the condition. */

/** OpenNebula's error codes (include/Request.h, ErrorCode). */
export const ONE_ERROR_CODES = {
  AUTHENTICATION: 0x0100,
  AUTHORIZATION: 0x0200,
  NO_EXISTS: 0x0400,
  ACTION: 0x0800,
  XML_RPC_API: 0x1000,
  INTERNAL: 0x2000,
  ALLOCATE: 0x4000,
  LOCKED: 0x8000,
  REPLICATION: 0x10000,
} as const;
export type OneErrorName = keyof typeof ONE_ERROR_CODES | 'UNKNOWN';

/** The name of an OpenNebula error code ('UNKNOWN' for codes oned does not define). */
export function oneErrorName(code: number): OneErrorName {
  for (const [name, value] of Object.entries(ONE_ERROR_CODES)) if (value === code) return name as OneErrorName;
  return 'UNKNOWN';
}

/** oned answered the call with a failure: `[false, message, code]`, or an XML-RPC fault. */
export class OneError extends Error {
  readonly codeName: OneErrorName;

  constructor(
    readonly method: string,
    readonly code: number,
    /** oned's own message, e.g. "[one.vm.info] Error getting virtual machine [42]." */
    readonly oneMessage: string,
    options?: ErrorOptions,
  ) {
    super(`${method} failed (${oneErrorName(code)} 0x${code.toString(16)}): ${oneMessage}`, options);
    this.name = 'OneError';
    this.codeName = oneErrorName(code);
  }
}

/** xmlrpc-c refused the call itself with an XML-RPC fault (no such method, wrong parameter types, internal error). */
export class OneRpcFaultError extends OneError {
  constructor(method: string, readonly faultCode: number | undefined, faultString: string) {
    super(method, ONE_ERROR_CODES.XML_RPC_API, `XML-RPC fault ${faultCode ?? '?'}: ${faultString}`);
    this.name = 'OneRpcFaultError';
  }
}

/** oned could not be reached or did not answer in time: nothing is known about the call's effect. */
export class OneUnavailableError extends Error {
  constructor(readonly method: string, readonly endpoint: string, detail: string, options?: ErrorOptions) {
    super(`${method}: OpenNebula at ${endpoint} unavailable: ${detail}`, options);
    this.name = 'OneUnavailableError';
  }
}

/** The call took longer than the client's timeout; the request was abandoned (and may still take effect). */
export class OneTimeoutError extends OneUnavailableError {
  constructor(method: string, endpoint: string, readonly timeoutMs: number) {
    super(method, endpoint, `no answer within ${timeoutMs} ms`);
    this.name = 'OneTimeoutError';
  }
}

/** An answer that is not what OpenNebula sends for this call (wrong XML-RPC shape). */
export class OneProtocolError extends Error {
  constructor(readonly method: string, detail: string, options?: ErrorOptions) {
    super(`${method}: unexpected answer: ${detail}`, options);
    this.name = 'OneProtocolError';
  }
}

/** A document that does not have the shape of OpenNebula's XSDs (path says where). */
export class OneXmlError extends Error {
  constructor(readonly path: string, detail: string, options?: ErrorOptions) {
    super(path ? `${path}: ${detail}` : detail, options);
    this.name = 'OneXmlError';
  }
}

/** No usable OpenNebula credentials: says where they were looked for. */
export class OneAuthMissingError extends Error {
  constructor(detail: string, options?: ErrorOptions) {
    super(`OpenNebula credentials missing: ${detail}`, options);
    this.name = 'OneAuthMissingError';
  }
}
