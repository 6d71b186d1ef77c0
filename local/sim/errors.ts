import { ONE_ERROR_CODES } from '../../lib/one/errors';

/** OpenNebula's request error codes (include/Request.h, ErrorCode): the client's table, plus SUCCESS. */
export const ONE_ERROR = { SUCCESS: 0x0000, ...ONE_ERROR_CODES } as const;
export type OneErrorCode = (typeof ONE_ERROR)[keyof typeof ONE_ERROR];

/**
 * A failed request, answered as oned does: [false, "[method] message", code, resp_id, i8 0].
 * `message` is the text after the "[method] " prefix.
 */
export class OneRequestError extends Error {
  constructor(readonly code: OneErrorCode, message: string, readonly respId = -1) {
    super(message);
    this.name = 'OneRequestError';
  }
}

/** OpenNebula's object names in error messages (Request::object_name). */
export type ObjectName = 'virtual machine' | 'host' | 'cluster' | 'datastore' | 'virtual network' | 'image' | 'user' | 'scheduled action';

/** "Error getting <object> [id]." as Request::failure_message builds it for NO_EXISTS. */
export function noExists(object: ObjectName, id: number): OneRequestError {
  return new OneRequestError(ONE_ERROR.NO_EXISTS, `Error getting ${object} [${id}].`, id);
}

export function actionError(message: string, respId = -1): OneRequestError {
  return new OneRequestError(ONE_ERROR.ACTION, message, respId);
}

export function allocateError(object: ObjectName, reason: string): OneRequestError {
  return new OneRequestError(ONE_ERROR.ALLOCATE, `Error allocating a new ${object}.${reason ? ` ${reason}` : ''}`);
}

/** The fixture file is unusable; the message names the element. */
export class FixtureInvalidError extends Error {
  constructor(readonly where: string, readonly reason: string, options?: ErrorOptions) {
    super(`${where}: ${reason}`, options);
    this.name = 'FixtureInvalidError';
  }
}
