import { describe, expect, it } from 'vitest';
import { textAt } from '../../../lib/one/xml';
import { useSimulator, vmTemplate } from './sim';

const ctx = useSimulator();

describe('XmlRpcOneClient reads against the simulator', () => {
  it('systemVersion answers a version', async () => {
    expect(await ctx.one.systemVersion()).toMatch(/^\d+\.\d+/);
  });

  it('hostPoolInfo lists the fixture hosts, hostInfo reads one the same way', async () => {
    const hosts = await ctx.one.hostPoolInfo();

    expect(hosts.map((h) => h.name).sort()).toEqual(['edge01', 'node01', 'node02', 'node03', 'node04', 'xen01']);
    const node01 = hosts.find((h) => h.name === 'node01')!;
    expect(node01).toMatchObject({ clusterId: 0, imMad: 'kvm', state: 'MONITORED', share: { totalCpu: 800, totalMem: 16777216 } });
    expect(await ctx.one.hostInfo(node01.id)).toEqual(node01);
  });

  it('clusterPoolInfo, datastorePoolInfo and vnetPoolInfo map the fixture', async () => {
    const [clusters, datastores, vnets] = await Promise.all([ctx.one.clusterPoolInfo(), ctx.one.datastorePoolInfo(), ctx.one.vnetPoolInfo()]);

    expect(clusters.map((c) => c.id).sort((a, b) => a - b)).toEqual([0, 100]);
    expect(datastores.find((d) => d.id === 0)).toMatchObject({ name: 'system', type: 'SYSTEM', clusterIds: [0], totalMb: 512000 });
    expect(datastores.find((d) => d.id === 100)).toMatchObject({ type: 'SYSTEM', shared: true });
    expect(vnets.find((v) => v.id === 0)).toMatchObject({ name: 'private', clusterIds: [0, 100], size: 200 });
  });

  it('snapshot gives every host its cluster template and every VM not DONE', async () => {
    // Prepare
    const kept = await ctx.one.vmAllocate(vmTemplate('snap-kept', 'SVMSCHED_JOB_ID = "job-snap"'), true);
    const gone = await ctx.one.vmAllocate(vmTemplate('snap-gone'), true);
    await ctx.one.vmAction('terminate-hard', gone);

    // Act
    const snapshot = await ctx.one.snapshot();

    // Assess
    const clusters = new Map(snapshot.clusters.map((c) => [c.id, c]));
    for (const host of snapshot.hosts) {
      const last = host.xml.children[host.xml.children.length - 1]!;
      expect(last.name).toBe('CLUSTER_TEMPLATE');
      expect(last.children).toEqual(clusters.get(host.clusterId)!.xml.children.find((c) => c.name === 'TEMPLATE')!.children);
    }
    expect(snapshot.vms.find((v) => v.id === kept)).toMatchObject({ state: 'HOLD', jobId: 'job-snap' });
    expect(snapshot.vms.some((v) => v.id === gone)).toBe(false);
    expect(snapshot.datastores.length).toBeGreaterThan(0);
    expect(snapshot.vnets.length).toBeGreaterThan(0);
  });

  it('vmPoolInfo and vmPoolInfoExtended filter by state and ID range', async () => {
    // Prepare
    const a = await ctx.one.vmAllocate(vmTemplate('pool-a', 'SCHED_REQUIREMENTS = "ID = 1"'), true);
    const b = await ctx.one.vmAllocate(vmTemplate('pool-b'), false);

    // Act
    const held = await ctx.one.vmPoolInfo({ state: 'HOLD' });
    const range = await ctx.one.vmPoolInfoExtended({ start: a, end: b });
    const any = await ctx.one.vmPoolInfoExtended({ state: 'ANY' });

    // Assess
    expect(held.every((v) => v.state === 'HOLD')).toBe(true);
    expect(held.some((v) => v.id === a)).toBe(true);
    expect(range.map((v) => v.id).sort((x, y) => x - y)).toEqual([a, b]);
    expect(range.find((v) => v.id === a)).toMatchObject({ schedRequirements: 'ID = 1', cpu: 1, memoryMb: 512 });
    expect(textAt(range.find((v) => v.id === b)!.xml, 'TEMPLATE', 'MEMORY')).toBe('512');
    expect(any.length).toBeGreaterThanOrEqual(range.length);
  });
});
