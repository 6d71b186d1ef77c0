/**
 * The bearer token the console signs in with, kept for this tab only (sessionStorage): a
 * `#token=…` link signs in at once, and the token is then taken out of the address bar so it
 * stays out of the history, bookmarks and screen shares. A fragment never reaches a server.
 */
const KEY = 'svmsched.token';

/** The token of a `#token=…` fragment, if the address has one. */
export function tokenInFragment(hash: string): string | undefined {
  const m = /^#token=([^&]+)/.exec(hash);
  return m ? decodeURIComponent(m[1]!) : undefined;
}

export class Session {
  constructor(private readonly storage: Storage) {}

  get token(): string | undefined {
    return this.storage.getItem(KEY) ?? undefined;
  }

  signIn(token: string): void {
    this.storage.setItem(KEY, token.trim());
  }

  signOut(): void {
    this.storage.removeItem(KEY);
  }

  /** Takes a token out of the address (signing in with it) and leaves the queue's route there instead. */
  adoptFragment(loc: Location, history: History): void {
    const token = tokenInFragment(loc.hash);
    if (token === undefined) return;
    this.signIn(token);
    history.replaceState(null, '', `${loc.pathname}${loc.search}#/queue`);
  }
}
