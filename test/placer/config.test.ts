import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configPath, policyFromConf, PlacerConfigError } from '../../lib/placer';

describe('rank.conf', () => {
  it('reads OpenNebula’s own rank.conf', () => {
    const policy = policyFromConf(readFileSync('/work/shared/reference/opennebula-sched-conf/rank.conf', 'utf8'));
    expect(policy).toMatchObject({ maxHost: 1, differentVnets: true, memorySystemDsScale: 0, host: { policy: 1 }, datastore: { policy: 1 }, nic: { policy: 1 } });
  });

  it('reads custom ranks and scales', () => {
    const policy = policyFromConf('DEFAULT_SCHED = [ POLICY = 3, RANK = "- (RUNNING_VMS * 50 + FREE_CPU)" ]\nDIFFERENT_VNETS = no\nMEMORY_SYSTEM_DS_SCALE = 0.5');
    expect(policy).toMatchObject({ host: { policy: 3, rank: '- (RUNNING_VMS * 50 + FREE_CPU)' }, differentVnets: false, memorySystemDsScale: 0.5, maxHost: 0 });
  });

  it('finds the file where OpenNebula’s placer does', () => {
    expect(configPath({ ONE_LOCATION: '/opt/one' })).toBe('/opt/one/etc/schedulers/rank.conf');
    expect(configPath({})).toBe('/etc/one/schedulers/rank.conf');
  });

  it('refuses a file that does not parse', () => {
    expect(() => policyFromConf('DEFAULT_SCHED = [ POLICY = ', 'x.conf')).toThrow(PlacerConfigError);
  });
});
