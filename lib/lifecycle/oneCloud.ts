import type { OneClient } from '../one/client';
import { OneError } from '../one/errors';
import type { Cloud } from './ports';

/** The lifecycle's Cloud port on top of the typed OpenNebula client. */
export function oneCloud(one: OneClient): Cloud {
  return {
    snapshot: () => one.snapshot(),
    vm: (vmId) => one.vmInfo(vmId).catch((err: unknown) => {
      if (err instanceof OneError && err.codeName === 'NO_EXISTS') return undefined;
      throw err;
    }),
    allocate: (template, hold) => one.vmAllocate(template, hold),
    deploy: (vmId, hostId, enforce, ds, extra) => one.vmDeploy(vmId, hostId, enforce, ds ?? -1, extra ?? ''),
    action: (action, vmId) => one.vmAction(action, vmId),
    migrate: (vmId, hostId, live, enforce, ds) => one.vmMigrate(vmId, hostId, live, enforce, ds ?? -1),
    schedAdd: (vmId, template) => one.vmSchedAdd(vmId, template),
    schedDelete: (vmId, schedId) => one.vmSchedDelete(vmId, schedId),
  };
}
