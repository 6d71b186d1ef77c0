import type { TenantAmount, TenantsInfo } from '../api';
import { escapeTerminalDeep } from './escape';
import { renderTable } from './table';
import { formatMb, type Paint } from './text';

const plain: Paint = (_s, t) => t;

const num = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(1));
/** "8 vCPU, 16 GB"; "-" when unknown (no tick has seen the cloud yet). */
const amount = (a: TenantAmount | undefined): string => (a ? `${num(a.vcpu)} vCPU, ${formatMb(Math.round(a.memoryMb))}` : '-');

function limitsOf(t: TenantsInfo['tenants'][number]): string {
  const parts = [
    t.limits?.vcpu !== undefined ? `${t.limits.vcpu} vCPU` : undefined,
    t.limits?.memoryMb !== undefined ? formatMb(t.limits.memoryMb) : undefined,
    t.limits?.runningJobs !== undefined ? `${t.limits.runningJobs} jobs` : undefined,
    t.borrowLimit ? `borrow ≤ ${[t.borrowLimit.vcpu !== undefined ? `${t.borrowLimit.vcpu} vCPU` : undefined,
      t.borrowLimit.memoryMb !== undefined ? formatMb(t.borrowLimit.memoryMb) : undefined].filter(Boolean).join(', ')}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? parts.join(', ') : '-';
}

/** `tenants`: share (and its part of the cloud), guarantee, use, borrowing, lending, waiting work, limits. */
export function tenantsTable(raw: TenantsInfo, paint: Paint = plain): string {
  const info = escapeTerminalDeep(raw);
  if (info.tenants.length === 0) return 'No tenants.\n';
  const rows = info.tenants.map((t) => [
    t.id,
    `${num(t.share)}${t.fraction !== undefined ? ` (${Math.round(t.fraction * 100)}%)` : ''}`,
    amount(t.guaranteed),
    t.used ? `${amount(t.used)} (${t.used.runningJobs} jobs)` : '-',
    amount(t.borrowed), amount(t.lent),
    t.waiting ? `${t.waiting.jobs} (${amount(t.waiting)})` : '-',
    limitsOf(t),
  ]);
  const table = renderTable(['TENANT', 'SHARE', 'GUARANTEED', 'USED', 'BORROWED', 'LENT', 'WAITING', 'LIMITS'], rows, (s) => paint('bold', s));
  return `${table}${info.observedAt ? `as the scheduler saw the cloud at ${info.observedAt}\n` : 'no tick has seen the cloud yet: shares and limits only\n'}`;
}
