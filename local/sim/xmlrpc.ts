/**
 * The simulator's side of XML-RPC: xmlrpc-c's faults. Calls are decoded and answers encoded by
 * the client's own codec (lib/one/xmlrpc.ts), so both read and write by the same rules.
 */
import { OneXmlError } from '../../lib/one/errors';
import { decodeMethodCall, type MethodCall } from '../../lib/one/xmlrpc';

/** The request is not an XML-RPC call; answered with an XML-RPC fault as xmlrpc-c does. */
export class RpcFault extends Error {
  constructor(readonly faultCode: number, readonly faultString: string) {
    super(faultString);
    this.name = 'RpcFault';
  }
}

/** xmlrpc-c's fault codes (xmlrpc-c/base.h). */
export const FAULT = { PARSE: -503, TYPE: -501, NO_SUCH_METHOD: -506, INTERNAL: -500 } as const;

/** The call in an HTTP body; a body that is not one (not XML, or not XML-RPC) is a parse fault. */
export function decodeCall(body: string): MethodCall {
  try {
    return decodeMethodCall(body);
  } catch (e) {
    if (e instanceof OneXmlError) throw new RpcFault(FAULT.PARSE, `not an XML-RPC call: ${e.message}`);
    throw e;
  }
}
