/**
 * Deadlines: running (or preempted) jobs whose lifetime is over are terminated before anything
 * is placed, so their room counts for this plan; queued jobs still waiting past their pending
 * deadline fail (after placement had its chance: a job that can start now starts).
 */
import type { Ledger } from './ledger';
import type { Action, RunningJob } from './contract';
import { cpuShare, memoryKb } from './capacity';

export function terminateExpired(running: readonly RunningJob[], ledger: Ledger, now: number, actions: Action[]): Set<string> {
  const ended = new Set<string>();
  for (const r of running) {
    if (r.lifetimeEndsAt === undefined || r.lifetimeEndsAt > now) continue;
    ended.add(r.id);
    actions.push({ type: 'terminate', jobId: r.id, vmId: r.vmId, reason: 'lifetime' });
    const i = ledger.hostIndexById.get(r.hostId);
    if (i === undefined) continue;
    const cpu = cpuShare(r.cpu);
    const mem = memoryKb(r.memoryMb);
    if (r.state === 'RUNNING') ledger.release(i, cpu, mem);
    else if (r.preemptMode === 'suspend') ledger.forgetHeld(i, cpu, mem);
  }
  return ended;
}

export function pendingDeadlineMessage(deadline: number, now: number): string {
  const minutes = Math.round((now - deadline) / 60000);
  return `still waiting ${minutes > 0 ? `${minutes} min ` : ''}after its pending deadline; no host could take it in time.`;
}
