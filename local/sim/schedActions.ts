import { parseTemplate, isVector, TemplateSyntaxError } from '../../lib/one/template';
import { Cloud, vmState, type SchedAction, type SimVm } from './cloud';
import type { Lifecycle } from './lifecycle';
import { getVm, performAction, type Method } from './methods';
import { parseSchedAction } from './allocate';
import { ONE_ERROR, OneRequestError, noExists } from './errors';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Fires one SCHED_ACTION at its TIME (oned's scheduled-action manager), recording DONE and MESSAGE; a deleted one never fires. */
export function armSchedAction(cloud: Cloud, lifecycle: Lifecycle, vm: SimVm, sa: SchedAction): void {
  const delay = sa.at * 1000 - cloud.nowMs();
  lifecycle.later(Math.min(Math.max(0, delay), MAX_TIMER_MS), () => {
    if (!vm.schedActions.includes(sa)) return;
    if (cloud.nowMs() < sa.at * 1000) {
      armSchedAction(cloud, lifecycle, vm, sa);
      return;
    }
    if (vm.state === vmState('DONE')) return;
    const error = performAction(cloud, lifecycle, vm, sa.action);
    sa.done = cloud.now();
    sa.message = error ?? '';
  });
}

export function armSchedActions(cloud: Cloud, lifecycle: Lifecycle, vm: SimVm): void {
  for (const sa of vm.schedActions) armSchedAction(cloud, lifecycle, vm, sa);
}

/** one.vm.schedadd / one.vm.scheddelete (RequestManagerVirtualMachine.cc: VirtualMachineSchedAdd / SchedDelete). */
export const SCHED_METHODS: Record<string, Method> = {
  'one.vm.schedadd': ({ cloud, lifecycle, params }) => {
    const vm = getVm(cloud, params.int(1));
    if (vm.state === vmState('DONE')) throw new OneRequestError(ONE_ERROR.ACTION, `Wrong state to add scheduled action: VM ${vm.id} is DONE`);
    let attrs;
    try {
      attrs = parseTemplate(params.string(2));
    } catch (e) {
      if (e instanceof TemplateSyntaxError) throw new OneRequestError(ONE_ERROR.INTERNAL, `Parse error: ${e.message}`);
      throw e;
    }
    const vector = attrs.find((a) => a.name === 'SCHED_ACTION');
    if (!vector || !isVector(vector)) throw new OneRequestError(ONE_ERROR.ACTION, 'No SCHED_ACTION attribute in template');
    const sa = parseSchedAction(cloud, vector, vm.id, vm.stime);
    vm.schedActions.push(sa);
    armSchedAction(cloud, lifecycle, vm, sa);
    return sa.id;
  },
  'one.vm.scheddelete': ({ cloud, params }) => {
    const vm = getVm(cloud, params.int(1));
    const id = params.int(2);
    const i = vm.schedActions.findIndex((s: SchedAction) => s.id === id);
    // oned 7 keeps scheduled actions as objects of their own: an unknown id is NO_EXISTS.
    if (i < 0) throw noExists('scheduled action', id);
    vm.schedActions.splice(i, 1);
    return vm.id;
  },
};
