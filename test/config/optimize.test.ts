/** The <optimize> element: defaults, the local sample, and refusals that name the element. */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../lib/config';
import { minimalXml } from './xml';

describe('<optimize>', () => {
  it('is off by default, with one_drs.conf\'s OPTIMIZE defaults', () => {
    // Act
    const config = parseConfig(minimalXml(), {});
    // Assess
    expect(config.optimize).toEqual({
      mode: 'off', policy: 'balance', migrationThreshold: -1, hostMigrationThreshold: -1, dsMigrationThreshold: 0,
      weights: { cpuUsage: 1 }, predictive: 0, interval: 600, maxActionsPerHost: 1, maxActionsPerCluster: 30, live: false,
    });
  });

  it('reads every setting, values as elements or attributes', () => {
    const xml = minimalXml({ root: '<optimize mode="apply" policy="pack" interval="1200"><migrationThreshold>5</migrationThreshold><weights cpu="0.5"><memory>2</memory></weights><predictive>0.3</predictive><maxActionsPerHost>2</maxActionsPerHost><maxActionsPerCluster>0</maxActionsPerCluster><live>yes</live></optimize>' });
    expect(parseConfig(xml, {}).optimize).toMatchObject({
      mode: 'apply', policy: 'pack', interval: 1200, migrationThreshold: 5, weights: { cpu: 0.5, memory: 2 }, predictive: 0.3,
      maxActionsPerHost: 2, maxActionsPerCluster: 0, live: true,
    });
  });

  it('is in the local sample, as a dry run', async () => {
    const config = await loadConfig(fileURLToPath(new URL('../../local/svmsched.xml', import.meta.url)), {});
    expect(config.optimize).toMatchObject({ mode: 'dry-run', policy: 'balance', weights: { cpuUsage: 1, memory: 1 } });
  });

  it.each([
    ['an unknown mode', '<optimize><mode>auto</mode></optimize>', '/svmsched/optimize/mode', /must be one of: off, dry-run, apply/],
    ['an unknown policy', '<optimize policy="spread"/>', '/svmsched/optimize/@policy', /must be one of: balance, pack/],
    ['a threshold below -1', '<optimize><hostMigrationThreshold>-2</hostMigrationThreshold></optimize>', '/svmsched/optimize/hostMigrationThreshold', /must be >= -1/],
    ['a negative weight', '<optimize><weights><memory>-1</memory></weights></optimize>', '/svmsched/optimize/weights/memory', /must be >= 0/],
    ['an unknown metric', '<optimize><weights><gpu>1</gpu></weights></optimize>', '/svmsched/optimize/weights/gpu', /unknown element; expected one of: cpuUsage, cpu, memory, disk, net/],
    ['balance without a weight', '<optimize><weights><cpu>0</cpu></weights></optimize>', '/svmsched/optimize/weights', /balance needs a weight above 0/],
    ['predictive above 1', '<optimize><predictive>1.5</predictive></optimize>', '/svmsched/optimize/predictive', /must be <= 1/],
    ['an interval too short', '<optimize><interval>10</interval></optimize>', '/svmsched/optimize/interval', /must be >= 60.*DRS_INTERVAL/],
  ])('refuses %s, naming the element', (_what, element, path, reason) => {
    expect(() => parseConfig(minimalXml({ root: element }), {})).toThrow(expect.objectContaining({ name: 'ConfigInvalidError', element: path, message: expect.stringMatching(reason) }));
  });
});
