import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configPath, policyFromConf, PlacerConfigError } from '../../lib/placer';

describe('rank.conf', () => {
  it('reads OpenNebula’s own rank.conf', () => {
    const policy = policyFromConf(readFileSync(join(__dirname, '../../../shared/reference/opennebula-sched-conf/rank.conf'), 'utf8'));
    expect(policy).toMatchObject({ maxHost: 1, differentVnets: true, memorySystemDsScale: 0, host: { policy: 1 }, datastore: { policy: 1 }, nic: { policy: 1 } });
  });

  it('reads custom ranks and scales', () => {
    const policy = policyFromConf('DEFAULT_SCHED = [ POLICY = 3, RANK = "- (RUNNING_VMS * 50 + FREE_CPU)" ]\nDIFFERENT_VNETS = no\nMEMORY_SYSTEM_DS_SCALE = 0.5');
    expect(policy).toMatchObject({ host: { policy: 3, rank: '- (RUNNING_VMS * 50 + FREE_CPU)' }, differentVnets: false, memorySystemDsScale: 0.5, maxHost: 0 });
  });

  it('reads MAX_HOST and MEMORY_SYSTEM_DS_SCALE as Template::get does: the whole value or 0', () => {
    expect(policyFromConf('MAX_HOST = "2x"\nMEMORY_SYSTEM_DS_SCALE = "0.5GB"')).toMatchObject({ maxHost: 0, memorySystemDsScale: 0 });
    expect(policyFromConf('MAX_HOST = "+3"\nMEMORY_SYSTEM_DS_SCALE = "1e-1"')).toMatchObject({ maxHost: 3, memorySystemDsScale: 0.1 });
  });

  it('finds the file where OpenNebula’s placer does', () => {
    expect(configPath({ ONE_LOCATION: '/opt/one' })).toBe('/opt/one/etc/schedulers/rank.conf');
    expect(configPath({})).toBe('/etc/one/schedulers/rank.conf');
  });

  it('refuses a file that does not parse', () => {
    expect(() => policyFromConf('DEFAULT_SCHED = [ POLICY = ', 'x.conf')).toThrow(PlacerConfigError);
  });
});
