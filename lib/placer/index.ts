/**
 * The OpenNebula 7 drop-in placer: a SCHEDULER_DRIVER_ACTION request in, a PLAN out, decided
 * by svmsched's scheduling core with OpenNebula's placer semantics (ranks once per run).
 */
import { plan } from '../sched';
import type { Policy } from '../sched/contract';
import { PLACER_DEFAULTS } from './config';
import { decodeRequest } from './decode';
import { planToXml } from './plan';
import { requestToPlanInput } from './request';

export { configPath, policyFromConf, PLACER_DEFAULTS } from './config';
export { decodeRequest } from './decode';
export { PlacerConfigError, PlacerInputError } from './errors';
export { requestToPlanInput } from './request';
export { planToXml } from './plan';

/** stdin text (base64 or XML) → PLAN XML. */
export function place(stdin: string, policy: Policy = PLACER_DEFAULTS): string {
  return planToXml(plan(requestToPlanInput(decodeRequest(stdin), policy)));
}
