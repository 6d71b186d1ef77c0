/**
 * The OpenNebula password of a deployment: an SSM Parameter Store SecureString whose name the
 * functions that talk to OpenNebula get in SVMSCHED_ONE_PASSWORD_PARAMETER (serverless.yml),
 * read once per Lambda container when the app is built, never written in the template. The
 * local stack gives it in SVMSCHED_ONE_PASSWORD (or a ONE_AUTH file), which win.
 */
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

type Env = Readonly<Record<string, string | undefined>>;

export interface ParameterReader {
  get(name: string): Promise<string | undefined>;
}

const ssmReader = (): ParameterReader => {
  const ssm = new SSMClient({});
  return {
    async get(name) {
      const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
      return out.Parameter?.Value;
    },
  };
};

/**
 * The environment with SVMSCHED_ONE_PASSWORD filled from the parameter when one is named and
 * neither the password nor a ONE_AUTH file is given. A missing or empty parameter is an error
 * that names it: the function cannot talk to OpenNebula without it.
 */
export async function withOnePassword(env: Env, reader: () => ParameterReader = ssmReader): Promise<Env> {
  const name = env.SVMSCHED_ONE_PASSWORD_PARAMETER;
  if (!name || env.SVMSCHED_ONE_PASSWORD || env.ONE_AUTH) return env;
  let value: string | undefined;
  try {
    value = await reader().get(name);
  } catch (cause) {
    throw new Error(`cannot read the OpenNebula password from SSM parameter ${name}: ${(cause as Error).message}`, { cause });
  }
  if (!value) throw new Error(`SSM parameter ${name} (the OpenNebula password) is empty`);
  return { ...env, SVMSCHED_ONE_PASSWORD: value };
}
