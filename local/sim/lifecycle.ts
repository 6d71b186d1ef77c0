import type { LcmStateName, VmStateName } from '../../lib/sched/snapshot';
import { Cloud, lcmState, setAttr, vmState, VM_ACTION, type HistoryRecord, type SimHost, type SimVm } from './cloud';
import type { Guest } from './guest';
import type { Logger } from './logger';

/** Milliseconds each transient LCM phase lasts. */
export interface Timing {
  readonly prolog: number;
  readonly boot: number;
  readonly shutdown: number;
  readonly epilog: number;
  readonly save: number;
  readonly migrate: number;
}

export const DEFAULT_TIMING: Timing = { prolog: 1500, boot: 1000, shutdown: 500, epilog: 500, save: 500, migrate: 1500 };
/** Near-zero phases for tests: every transition still passes through its real intermediate states. */
export const FAST_TIMING: Timing = { prolog: 5, boot: 5, shutdown: 5, epilog: 5, save: 5, migrate: 5 };

/** Decides whether a boot fails (fault injection). */
export type BootFailure = (vm: SimVm, host: SimHost) => boolean;

const is = (vm: SimVm, state: VmStateName, lcm?: LcmStateName): boolean =>
  vm.state === vmState(state) && (lcm === undefined || vm.lcm === lcmState(lcm));

/**
 * The VM state machine: the LifeCycleManager/DispatchManager transitions oned walks through,
 * each transient phase lasting its Timing, with HOST_SHARE and datastore accounting at the
 * moments oned does it (added at deploy; SUSPENDED and POWEROFF keep the host; released when
 * the VM leaves it on stop, undeploy, migrate and terminate).
 */
/** C's ctime() without its newline, as oned writes times in messages (local time). */
export function ctime(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000);
  const day = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d.getDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  const two = (n: number) => String(n).padStart(2, '0');
  return `${day} ${month} ${String(d.getDate()).padStart(2, ' ')} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())} ${d.getFullYear()}`;
}

export class Lifecycle {
  private readonly tokens = new Map<number, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly cloud: Cloud,
    private readonly timing: Timing,
    private readonly guest: Guest,
    private readonly bootFails: BootFailure,
    private readonly logger: Logger,
  ) {}

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** A timer the simulator owns (cleared on close). */
  later(ms: number, fn: () => void): void {
    const t = setTimeout(() => { this.timers.delete(t); if (!this.closed) fn(); }, Math.max(0, ms));
    this.timers.add(t);
  }

  /** Runs a transition; a newer transition on the same VM cancels the older one at its next wait. */
  private flow(vm: SimVm, body: (wait: (ms: number) => Promise<boolean>) => Promise<void>): void {
    const token = (this.tokens.get(vm.id) ?? 0) + 1;
    this.tokens.set(vm.id, token);
    const wait = (ms: number) => new Promise<boolean>((resolve) => {
      this.later(ms, () => resolve(this.tokens.get(vm.id) === token));
    });
    body(wait).catch((e: Error) => this.logger.error(`VM ${vm.id}: transition failed: ${e.stack ?? e.message}`));
  }

  private current(vm: SimVm): HistoryRecord | undefined {
    return vm.history[vm.history.length - 1];
  }

  private hostOf(vm: SimVm): SimHost | undefined {
    const h = this.current(vm);
    return h ? this.cloud.hosts.get(h.hid) : undefined;
  }

  private releaseHosts(vm: SimVm): void {
    for (const hid of [...vm.accountedOn]) this.cloud.delCapacity(hid, vm);
  }

  private closeHistory(vm: SimVm, action: number): void {
    const h = this.current(vm);
    if (!h) return;
    const now = this.cloud.now();
    if (h.action === 0) h.action = action;
    if (h.rstime && !h.retime) h.retime = now;
    if (!h.etime) h.etime = now;
  }

  private copyHistory(vm: SimVm): void {
    const h = this.current(vm);
    if (!h) return;
    const now = this.cloud.now();
    h.etime = now;
    vm.history.push({ ...h, seq: vm.history.length, stime: now, etime: 0, pstime: 0, petime: 0, rstime: now, retime: 0, estime: 0, eetime: 0, action: 0 });
  }

  private openHistory(vm: SimVm, host: SimHost, dsId: number, tmMad: string, uid: number, gid: number): void {
    const now = this.cloud.now();
    vm.history.push({
      seq: vm.history.length, hostname: host.name, hid: host.id, cid: host.clusterId, stime: now, etime: 0,
      vmMad: host.vmMad, tmMad, dsId, pstime: 0, petime: 0, rstime: 0, retime: 0, estime: 0, eetime: 0,
      action: 0, uid, gid, reqId: -1,
    });
    setAttr(vm.template, 'TM_MAD_SYSTEM', tmMad);
  }

  private systemDsUsage(vm: SimVm, dsId: number | undefined): void {
    for (const ds of this.cloud.datastores.values()) ds.usage.delete(`vm:${vm.id}`);
    if (dsId !== undefined) this.cloud.datastores.get(dsId)?.usage.set(`vm:${vm.id}`, vm.systemDiskMb);
  }

  private running(vm: SimVm, fresh: boolean): void {
    const h = this.current(vm);
    if (h) h.rstime = this.cloud.now();
    vm.deployId = `one-${vm.id}`;
    this.cloud.setState(vm, 'ACTIVE', 'RUNNING');
    const host = this.hostOf(vm);
    if (!host) return;
    if (fresh) this.guest.start(vm, host);
    else this.guest.resume(vm);
  }

  /** Last step of a boot: RUNNING, or the matching *_FAILURE when a boot fault is armed. */
  private boot(vm: SimVm, failure: LcmStateName, fresh: boolean): void {
    const host = this.hostOf(vm);
    if (host && this.bootFails(vm, host)) {
      this.guest.kill(vm);
      this.cloud.setState(vm, 'ACTIVE', failure);
      // oned records the driver's failure in USER_TEMPLATE/ERROR ("<ctime>: DEPLOY: <driver message>");
      // the message is what OpenNebula's dummy driver answers.
      setAttr(vm.userTemplate, 'ERROR', `${ctime(this.cloud.now())}: DEPLOY: ${host.name}:${vm.name}:${host.vmMad}`);
      this.logger.info(`VM ${vm.id}: boot failed on host ${host.name} (injected)`);
      return;
    }
    this.running(vm, fresh);
  }

  deploy(vm: SimVm, host: SimHost, dsId: number, tmMad: string, uid: number, gid: number): void {
    const from = vm.resumeFrom;
    vm.resumeFrom = undefined;
    vm.lastAction = VM_ACTION.NONE; // a new history record has no action yet
    this.openHistory(vm, host, dsId, tmMad, uid, gid);
    this.cloud.addCapacity(host.id, vm);
    this.systemDsUsage(vm, dsId);
    const [prolog, boot, failure]: [LcmStateName, LcmStateName, LcmStateName] =
      from === 'STOPPED' ? ['PROLOG_RESUME', 'BOOT_STOPPED', 'BOOT_STOPPED_FAILURE']
        : from === 'UNDEPLOYED' ? ['PROLOG_UNDEPLOY', 'BOOT_UNDEPLOY', 'BOOT_UNDEPLOY_FAILURE']
          : ['PROLOG', 'BOOT', 'BOOT_FAILURE'];
    this.cloud.setState(vm, 'ACTIVE', prolog);
    this.current(vm)!.pstime = this.cloud.now();
    this.flow(vm, async (wait) => {
      if (!(await wait(this.timing.prolog))) return;
      this.current(vm)!.petime = this.cloud.now();
      this.cloud.setState(vm, 'ACTIVE', boot);
      if (!(await wait(this.timing.boot))) return;
      // A stopped VM continues from its saved memory; a new or undeployed one boots afresh.
      this.boot(vm, failure, from !== 'STOPPED');
    });
  }

  /** VM leaves the system for good (DispatchManager::free_vm_resources). */
  private done(vm: SimVm): void {
    this.tokens.set(vm.id, (this.tokens.get(vm.id) ?? 0) + 1);
    this.guest.kill(vm);
    this.releaseHosts(vm);
    this.cloud.releaseLeases(vm.id);
    this.systemDsUsage(vm, undefined);
    const h = this.current(vm);
    if (h) {
      if (h.rstime && !h.retime) h.retime = this.cloud.now();
      if (!h.etime) h.etime = this.cloud.now();
    }
    vm.etime = this.cloud.now();
    this.cloud.setState(vm, 'DONE');
  }

  terminate(vm: SimVm, hard: boolean): void {
    const action = hard ? VM_ACTION.TERMINATE_HARD : VM_ACTION.TERMINATE;
    if (is(vm, 'INIT') || is(vm, 'PENDING') || is(vm, 'HOLD') || is(vm, 'CLONING') || is(vm, 'CLONING_FAILURE')) {
      this.done(vm);
      return;
    }
    const h = this.current(vm);
    if (h) h.action = action;
    this.guest.kill(vm);
    if (is(vm, 'ACTIVE', 'RUNNING') || is(vm, 'ACTIVE', 'UNKNOWN') || is(vm, 'ACTIVE', 'SHUTDOWN')) {
      this.cloud.setState(vm, 'ACTIVE', 'SHUTDOWN');
      this.flow(vm, async (wait) => {
        if (!(await wait(hard ? Math.min(this.timing.shutdown, 1) : this.timing.shutdown))) return;
        this.closeHistory(vm, action);
        this.cloud.setState(vm, 'ACTIVE', 'EPILOG');
        if (this.current(vm)) this.current(vm)!.estime = this.cloud.now();
        if (!(await wait(this.timing.epilog))) return;
        if (this.current(vm)) this.current(vm)!.eetime = this.cloud.now();
        this.done(vm);
      });
      return;
    }
    // SUSPENDED, POWEROFF, STOPPED, UNDEPLOYED: straight to EPILOG; *_FAILURE: cleanup and delete.
    const failed = vm.state === vmState('ACTIVE');
    // oned frees the host at the epilog's end (done); a VM off its host holds nothing already.
    this.closeHistory(vm, action);
    this.cloud.setState(vm, 'ACTIVE', failed ? 'CLEANUP_DELETE' : 'EPILOG');
    this.flow(vm, async (wait) => {
      if (!(await wait(this.timing.epilog))) return;
      this.done(vm);
    });
  }

  /**
   * Leaving the host for good or for a while (stop, undeploy): an optional first phase (save or
   * shutdown), then the epilog, at whose end the host is freed (oned's epilog_success), then the final state.
   */
  private leave(vm: SimVm, first: { lcm: LcmStateName; ms: number } | undefined, epilog: LcmStateName, final: VmStateName): void {
    this.cloud.setState(vm, 'ACTIVE', first?.lcm ?? epilog);
    this.flow(vm, async (wait) => {
      if (first) {
        if (!(await wait(first.ms))) return;
        this.cloud.setState(vm, 'ACTIVE', epilog);
      }
      this.closeHistory(vm, vm.lastAction);
      if (!(await wait(this.timing.epilog))) return;
      this.releaseHosts(vm);
      this.cloud.setState(vm, final);
    });
  }

  stop(vm: SimVm): void {
    vm.lastAction = VM_ACTION.STOP;
    this.guest.pause(vm);
    this.leave(vm, is(vm, 'SUSPENDED') ? undefined : { lcm: 'SAVE_STOP', ms: this.timing.save }, 'EPILOG_STOP', 'STOPPED');
  }

  /** One transient phase, then what follows it. */
  private phase(vm: SimVm, lcm: LcmStateName, ms: number, then: () => void): void {
    this.cloud.setState(vm, 'ACTIVE', lcm);
    this.flow(vm, async (wait) => {
      if (await wait(ms)) then();
    });
  }

  suspend(vm: SimVm): void {
    this.guest.pause(vm);
    this.phase(vm, 'SAVE_SUSPEND', this.timing.save, () => this.cloud.setState(vm, 'SUSPENDED'));
  }

  resume(vm: SimVm): void {
    if (is(vm, 'STOPPED') || is(vm, 'UNDEPLOYED')) {
      vm.resumeFrom = is(vm, 'STOPPED') ? 'STOPPED' : 'UNDEPLOYED';
      this.cloud.setState(vm, 'PENDING');
      return;
    }
    const suspended = is(vm, 'SUSPENDED');
    if (!suspended) this.guest.kill(vm); // POWEROFF or UNKNOWN: the guest boots again
    // LifeCycleManager restore/restart: the host's record is closed and copied, the copy running from now.
    if (suspended || is(vm, 'POWEROFF')) this.copyHistory(vm);
    const lcm = suspended ? 'BOOT_SUSPENDED' : is(vm, 'POWEROFF') ? 'BOOT_POWEROFF' : 'BOOT_UNKNOWN';
    this.phase(vm, lcm, this.timing.boot, () => this.running(vm, !suspended));
  }

  /** The hypervisor reboots the guest: the VM stays RUNNING, its start script runs again. */
  reboot(vm: SimVm): void {
    const host = this.hostOf(vm);
    if (host) this.guest.start(vm, host);
  }

  poweroff(vm: SimVm): void {
    this.guest.kill(vm);
    this.phase(vm, 'SHUTDOWN_POWEROFF', this.timing.shutdown, () => this.cloud.setState(vm, 'POWEROFF'));
  }

  /** The guest shut itself down (its start script ran `poweroff`): oned's monitor sees POWEROFF. */
  guestPoweroff(vm: SimVm): void {
    if (!is(vm, 'ACTIVE', 'RUNNING')) return;
    this.tokens.set(vm.id, (this.tokens.get(vm.id) ?? 0) + 1);
    this.cloud.setState(vm, 'POWEROFF');
  }

  undeploy(vm: SimVm, hard: boolean): void {
    vm.lastAction = hard ? VM_ACTION.UNDEPLOY_HARD : VM_ACTION.UNDEPLOY;
    this.guest.kill(vm);
    this.leave(vm, is(vm, 'POWEROFF') ? undefined : { lcm: 'SHUTDOWN_UNDEPLOY', ms: this.timing.shutdown }, 'EPILOG_UNDEPLOY', 'UNDEPLOYED');
  }

  migrate(vm: SimVm, host: SimHost, dsId: number, tmMad: string, live: boolean, uid: number, gid: number): void {
    const old = this.current(vm)!.hid;
    this.closeHistory(vm, live ? VM_ACTION.LIVE_MIGRATE : VM_ACTION.MIGRATE);
    this.openHistory(vm, host, dsId, tmMad, uid, gid);
    // The target host counts the VM from the start, the source until the move is over.
    this.cloud.addCapacity(host.id, vm);
    this.systemDsUsage(vm, dsId);
    const leaveOld = () => this.cloud.delCapacity(old, vm);
    if (live && is(vm, 'ACTIVE', 'RUNNING')) {
      this.cloud.setState(vm, 'ACTIVE', 'MIGRATE');
      this.flow(vm, async (wait) => {
        if (!(await wait(this.timing.migrate))) return;
        leaveOld();
        this.current(vm)!.rstime = this.cloud.now();
        this.cloud.setState(vm, 'ACTIVE', 'RUNNING');
      });
      return;
    }
    if (is(vm, 'POWEROFF') || is(vm, 'SUSPENDED')) {
      const back: VmStateName = is(vm, 'POWEROFF') ? 'POWEROFF' : 'SUSPENDED';
      this.cloud.setState(vm, 'ACTIVE', back === 'POWEROFF' ? 'PROLOG_MIGRATE_POWEROFF' : 'PROLOG_MIGRATE_SUSPEND');
      this.flow(vm, async (wait) => {
        if (!(await wait(this.timing.migrate))) return;
        leaveOld();
        this.cloud.setState(vm, back);
      });
      return;
    }
    const unknown = is(vm, 'ACTIVE', 'UNKNOWN');
    if (unknown) this.guest.kill(vm);
    else this.guest.pause(vm);
    this.cloud.setState(vm, 'ACTIVE', unknown ? 'PROLOG_MIGRATE_UNKNOWN' : 'SAVE_MIGRATE');
    this.flow(vm, async (wait) => {
      if (!unknown) {
        if (!(await wait(this.timing.save))) return;
        this.cloud.setState(vm, 'ACTIVE', 'PROLOG_MIGRATE');
      }
      leaveOld();
      if (!(await wait(this.timing.migrate))) return;
      this.cloud.setState(vm, 'ACTIVE', 'BOOT_MIGRATE');
      if (!(await wait(this.timing.boot))) return;
      this.boot(vm, 'BOOT_MIGRATE_FAILURE', unknown);
    });
  }

  /** Host monitoring fails: the host goes to ERROR and its running VMs to UNKNOWN; back when it recovers. */
  setHostError(host: SimHost, error: boolean): void {
    const target = error ? 3 : 2; // ERROR, MONITORED
    if (host.state === target) return;
    host.prevState = host.state;
    host.state = target;
    for (const vm of this.cloud.vms.values()) {
      if (this.current(vm)?.hid !== host.id) continue;
      if (error && is(vm, 'ACTIVE', 'RUNNING')) {
        this.guest.pause(vm);
        this.cloud.setState(vm, 'ACTIVE', 'UNKNOWN');
      } else if (!error && is(vm, 'ACTIVE', 'UNKNOWN')) {
        this.cloud.setState(vm, 'ACTIVE', 'RUNNING');
        this.guest.resume(vm);
      }
    }
  }
}
