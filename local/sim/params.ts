import type { XmlRpcValue } from '../../lib/one/xmlrpc';
import { FAULT, RpcFault } from './xmlrpc';

/** xmlrpc-c's paramList accessors: a wrong type or a missing parameter is an XML-RPC fault. */
export class Params {
  constructor(private readonly values: XmlRpcValue[]) {}

  get size(): number {
    return this.values.length;
  }

  private at(i: number, type: string): XmlRpcValue {
    if (i >= this.values.length) throw new RpcFault(FAULT.TYPE, `Not enough parameters: parameter ${i} (${type}) is missing`);
    return this.values[i];
  }

  int(i: number): number {
    const v = this.at(i, 'int');
    if (typeof v !== 'number') throw new RpcFault(FAULT.TYPE, `Type mismatch: parameter ${i} is not an integer (i4)`);
    return v;
  }

  bool(i: number): boolean {
    const v = this.at(i, 'boolean');
    if (typeof v !== 'boolean') throw new RpcFault(FAULT.TYPE, `Type mismatch: parameter ${i} is not a boolean`);
    return v;
  }

  string(i: number): string {
    const v = this.at(i, 'string');
    if (typeof v !== 'string') throw new RpcFault(FAULT.TYPE, `Type mismatch: parameter ${i} is not a string`);
    return v;
  }
}
