import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadConfig, parseConfig } from '../../lib/config';
import { minimalXml } from './xml';

const LOCAL = fileURLToPath(new URL('../../local/', import.meta.url));

describe('loadConfig', () => {
  it('loads local/svmsched.xml with its four services and the local repository', async () => {
    // Prepare
    const path = join(LOCAL, 'svmsched.xml');

    // Act
    const config = await loadConfig(path, { SVMSCHED_ONE_PASSWORD: 'opennebula' });

    // Assess
    expect(config.services.map((s) => s.id)).toEqual(['example-service1', 'training-session', 'prod-service', 'nrt-service']);
    expect(config.opennebula).toEqual({ endpoint: 'http://localhost:2633/RPC2', user: 'oneadmin', password: 'opennebula' });
    expect(config.repositories).toEqual([{ id: 'data', export: 'nfs.local:/srv/repository', mountPoint: '/data/repository', readOnly: false, localPath: join(dirname(path), 'repository') }]);
    expect(config.services.find((s) => s.id === 'nrt-service')).toMatchObject({ defaultClass: 'beff', preemptMode: 'stop' });
    expect(config.services.find((s) => s.id === 'prod-service')).toMatchObject({ defaultClass: 'prod', lifetimeFromArgument: false, lifetimeIsSuccess: false });
    expect(config.services.find((s) => s.id === 'training-session')).toMatchObject({ lifetimeFromArgument: true, lifetimeIsSuccess: true });
    expect(config.services.find((s) => s.id === 'training-session')).toMatchObject({ lifetimeFromArgument: true });
  });

  it('refuses a file it cannot read, naming it', async () => {
    // Act
    const attempt = loadConfig('/no/such/svmsched.xml', {});

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ConfigInvalidError', element: '/', message: expect.stringContaining('/no/such/svmsched.xml') });
  });
});

describe('parseConfig', () => {
  it('reads the backfill of the scheduling section', () => {
    expect(parseConfig(minimalXml({ root: '<scheduling><backfill>greedy</backfill></scheduling>' }), {}).scheduling.backfill).toBe('greedy');
  });

  it('applies the schema defaults and reads attributes as elements', () => {
    // Act
    const config = parseConfig(minimalXml(), {});

    // Assess
    expect(config.scheduling).toEqual({
      host: { policy: 'striping', rank: '' }, datastore: { policy: 'striping', rank: '' }, nic: { policy: 'striping', rank: '' },
      maxHost: 1, preemption: true, backfill: 'easy', pendingDeadline: 0, tickInterval: 60, differentVnets: true, usageHalfLife: 86400,
    });
    expect(config.jobs).toEqual({ retentionDays: 7, maxAttempts: 3, maxUnfinishedPerUser: 1000, reportSeconds: 900 });
    expect(config.services[0]).toEqual({
      id: 'svc', description: '', image: 0, executable: '/opt/svc/run', arguments: [], defaultVcpu: 1, maxVcpu: 4,
      defaultMemory: 512, maxMemory: 2048, repositories: ['data'], requirements: '', rank: '', dsRequirements: '', dsRank: '',
      preemptMode: 'stop', defaultClass: 'beff', lifetimeFromArgument: false, lifetimeIsSuccess: false, networks: [],
    });
    expect(config.opennebula.password).toBeUndefined();
  });

  it('reads image and network references as ids when numeric, names otherwise', () => {
    // Prepare
    const xml = minimalXml({ image: 'ubuntu-24.04', service: '<networks><network><vnet>1</vnet></network><network vnet="private"/><network mode="auto"><requirements>TRAFFIC_TYPE = "private"</requirements></network></networks>' });

    // Act
    const [service] = parseConfig(xml, {}).services;

    // Assess
    expect(service!.image).toBe('ubuntu-24.04');
    expect(service!.networks).toEqual([
      { mode: 'fixed', vnet: 1 }, { mode: 'fixed', vnet: 'private' }, { mode: 'auto', requirements: 'TRAFFIC_TYPE = "private"', rank: '' },
    ]);
  });

  it('keeps fixed arguments exactly as written, and trims other values', () => {
    // Prepare
    const xml = minimalXml({ service: '<arguments><argument> --mode fast </argument><argument></argument></arguments><requirements>\n   CPU &gt; 2 &amp; HYPERVISOR = "kvm"\n </requirements>' });

    // Act
    const [service] = parseConfig(xml, {}).services;

    // Assess
    expect(service!.arguments).toEqual([' --mode fast ', '']);
    expect(service!.requirements).toBe('CPU > 2 & HYPERVISOR = "kvm"');
  });

  it('caps the default memory by the maximum when the service does not set it', () => {
    // Act
    const [service] = parseConfig(minimalXml({ maxMemory: '256' }), {}).services;

    // Assess
    expect(service!.defaultMemory).toBe(256);
  });

  it('returns a frozen configuration', () => {
    // Act
    const config = parseConfig(minimalXml(), {});

    // Assess
    expect(Object.isFrozen(config.services[0]!.repositories)).toBe(true);
    expect(() => { (config.scheduling as { maxHost: number }).maxHost = 9; }).toThrow(TypeError);
  });
});
