/**
 * The deployed functions' OpenNebula password: read from the SSM parameter the function names,
 * once, unless the environment gives it (the local stack). Parameter Store is not reachable
 * here, so its reader is replaced by one that answers as SSM would, faults included.
 */
import { describe, expect, it } from 'vitest';
import { withOnePassword, type ParameterReader } from '../../lib/app/onePassword';

function store(values: Record<string, string>) {
  const asked: string[] = [];
  const reader: ParameterReader = {
    async get(name) {
      asked.push(name);
      if (!(name in values)) throw Object.assign(new Error(`Parameter ${name} not found.`), { name: 'ParameterNotFound' });
      return values[name];
    },
  };
  return { asked, reader: () => reader };
}

describe('withOnePassword', () => {
  it('fills SVMSCHED_ONE_PASSWORD from the named parameter', async () => {
    const ssm = store({ '/svmsched/prod/one-password': 's3cret' });
    const env = await withOnePassword({ SVMSCHED_ONE_PASSWORD_PARAMETER: '/svmsched/prod/one-password', OTHER: 'x' }, ssm.reader);
    expect(env).toEqual({ SVMSCHED_ONE_PASSWORD_PARAMETER: '/svmsched/prod/one-password', OTHER: 'x', SVMSCHED_ONE_PASSWORD: 's3cret' });
    expect(ssm.asked).toEqual(['/svmsched/prod/one-password']);
  });

  it('asks nothing when no parameter is named, or the password or a ONE_AUTH file is given', async () => {
    const ssm = store({ '/p': 'from-ssm' });
    expect(await withOnePassword({}, ssm.reader)).toEqual({});
    expect((await withOnePassword({ SVMSCHED_ONE_PASSWORD_PARAMETER: '/p', SVMSCHED_ONE_PASSWORD: 'given' }, ssm.reader)).SVMSCHED_ONE_PASSWORD).toBe('given');
    expect((await withOnePassword({ SVMSCHED_ONE_PASSWORD_PARAMETER: '/p', ONE_AUTH: '/a/file' }, ssm.reader)).SVMSCHED_ONE_PASSWORD).toBeUndefined();
    expect(ssm.asked).toEqual([]);
  });

  it('names the parameter when it cannot be read or is empty', async () => {
    await expect(withOnePassword({ SVMSCHED_ONE_PASSWORD_PARAMETER: '/missing' }, store({}).reader))
      .rejects.toThrow('cannot read the OpenNebula password from SSM parameter /missing: Parameter /missing not found.');
    await expect(withOnePassword({ SVMSCHED_ONE_PASSWORD_PARAMETER: '/empty' }, store({ '/empty': '' }).reader))
      .rejects.toThrow('SSM parameter /empty (the OpenNebula password) is empty');
  });
});
