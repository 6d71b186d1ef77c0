import { Cloud, vmState, type SchedAction, type SimVm } from './cloud';
import type { Lifecycle } from './lifecycle';
import { performAction } from './methods';

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Fires each SCHED_ACTION of a VM at its TIME (oned's scheduled-action manager), recording DONE and MESSAGE. */
export function armSchedActions(cloud: Cloud, lifecycle: Lifecycle, vm: SimVm): void {
  const arm = (sa: SchedAction): void => {
    const delay = sa.at * 1000 - cloud.nowMs();
    lifecycle.later(Math.min(delay, MAX_TIMER_MS), () => {
      if (cloud.nowMs() < sa.at * 1000) {
        arm(sa);
        return;
      }
      if (vm.state === vmState('DONE')) return;
      const error = performAction(cloud, lifecycle, vm, sa.action);
      sa.done = cloud.now();
      sa.message = error ?? '';
    });
  };
  vm.schedActions.forEach(arm);
}
