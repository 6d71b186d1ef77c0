import type { Vm } from '../sched/snapshot';

/**
 * What a VM's STATE/LCM_STATE means for its job. OpenNebula has ~70 LCM states; the job
 * lifecycle only needs to know which way the VM is heading.
 */
export type VmPhase =
  | 'held' // HOLD or PENDING: allocated, not deployed
  | 'starting' // ACTIVE, on its way to RUNNING (PROLOG, BOOT, MIGRATE...)
  | 'running'
  | 'saving' // ACTIVE, on its way to STOPPED / SUSPENDED / UNDEPLOYED / POWEROFF
  | 'stopped'
  | 'suspended'
  | 'undeployed'
  | 'poweroff'
  | 'ending' // ACTIVE, shutting down for good (EPILOG, SHUTDOWN, CLEANUP)
  | 'failed' // a *_FAILURE LCM state, FAILED, or CLONING_FAILURE
  | 'unknown' // its host went into ERROR (LCM UNKNOWN)
  | 'gone'; // DONE, or not in OpenNebula any more

const SAVING = new Set(['SAVE_STOP', 'SAVE_SUSPEND', 'EPILOG_STOP', 'EPILOG_UNDEPLOY', 'SHUTDOWN_UNDEPLOY', 'SHUTDOWN_POWEROFF']);
const ENDING = new Set(['EPILOG', 'SHUTDOWN', 'CANCEL', 'CLEANUP_RESUBMIT', 'CLEANUP_DELETE']);

export function vmPhase(vm: Vm | undefined): VmPhase {
  if (!vm) return 'gone';
  switch (vm.state) {
    case 'DONE': return 'gone';
    case 'HOLD': case 'PENDING': case 'INIT': case 'CLONING': return 'held';
    case 'STOPPED': return 'stopped';
    case 'SUSPENDED': return 'suspended';
    case 'UNDEPLOYED': return 'undeployed';
    case 'POWEROFF': return 'poweroff';
    case 'FAILED': case 'CLONING_FAILURE': return 'failed';
    case 'ACTIVE':
      if (vm.lcmState === 'RUNNING') return 'running';
      if (vm.lcmState === 'UNKNOWN') return 'unknown';
      if (vm.lcmState === 'FAILURE' || vm.lcmState.endsWith('_FAILURE')) return 'failed';
      if (SAVING.has(vm.lcmState)) return 'saving';
      if (ENDING.has(vm.lcmState)) return 'ending';
      return 'starting';
  }
}
