import type { APIGatewayRequestAuthorizerEvent, APIGatewayAuthorizerResult } from 'aws-lambda';
import { app } from '../lib/app';
import { contextSecret, seal } from '../lib/http/contextSeal';

/**
 * API Gateway REQUEST authorizer: the bearer token's hash must be a known token. Throwing
 * "Unauthorized" is how API Gateway answers 401; the caller's user, role and tenant (when the
 * token names one) go to the handlers.
 */
export const handler = async (event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
  const header = event.headers?.Authorization ?? event.headers?.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const { auth } = await app();
  const caller = match ? await auth.verify(match[1]!) : undefined;
  if (!caller) throw new Error('Unauthorized');
  const secret = contextSecret();
  return {
    principalId: caller.user,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: '*' }] },
    context: {
      user: caller.user, role: caller.role, ...(caller.tenant !== undefined ? { tenant: caller.tenant } : {}),
      ...(secret !== undefined ? seal(caller.user, caller.role, secret, Date.now(), caller.tenant) : {}),
    },
  };
};
