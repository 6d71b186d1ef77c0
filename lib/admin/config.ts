import { ConfigInvalidError, loadConfig, type SvmschedConfig } from '../config';
import { AdminConfigError } from './errors';

type Env = Readonly<Record<string, string | undefined>>;

/** The configuration an admin command reads: --config, else $SVMSCHED_CONFIG, else svmsched.xml; an invalid one is the operator's error, named. */
export async function adminConfig(path: string | undefined, env: Env): Promise<SvmschedConfig> {
  const configPath = path ?? env.SVMSCHED_CONFIG ?? 'svmsched.xml';
  try {
    return await loadConfig(configPath, env);
  } catch (err) {
    if (err instanceof ConfigInvalidError) throw new AdminConfigError(`configuration ${configPath}: ${err.message}`, { cause: err });
    throw err;
  }
}
