/**
 * A Plan as OpenNebula's PLAN document: ID -1 (as the rank placer writes it), one ACTION per
 * deploy (a resume is a deploy for oned) or migrate, children in plan.xsd's order.
 */
import type { Plan } from '../sched/contract';

export function planToXml(plan: Plan): string {
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<PLAN>', '  <ID>-1</ID>'];
  for (const a of plan.actions) {
    if (a.type !== 'deploy' && a.type !== 'resume' && a.type !== 'migrate') continue;
    // Placer jobs are VMs: every action carries its VM id.
    const vmId = a.vmId ?? Number(a.jobId);
    lines.push('  <ACTION>', `    <VM_ID>${vmId}</VM_ID>`, `    <OPERATION>${a.type === 'migrate' ? 'migrate' : 'deploy'}</OPERATION>`,
      `    <HOST_ID>${a.hostId}</HOST_ID>`);
    if (a.datastoreId !== undefined) lines.push(`    <DS_ID>${a.datastoreId}</DS_ID>`);
    if (a.type !== 'migrate') {
      for (const nic of a.nics) lines.push('    <NIC>', `      <NIC_ID>${nic.nicId}</NIC_ID>`, `      <NETWORK_ID>${nic.vnetId}</NETWORK_ID>`, '    </NIC>');
    }
    lines.push('  </ACTION>');
  }
  lines.push('</PLAN>', '');
  return lines.join('\n');
}
