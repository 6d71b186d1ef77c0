/** Who makes a request: a user, or an admin who may see and act on every user's jobs. */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  readonly user: string;
  readonly role: Role;
  /** The tenant the caller's token names (`token issue --tenant`); absent: the configuration decides. */
  readonly tenant?: string;
}
