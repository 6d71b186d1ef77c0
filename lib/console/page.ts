import type { Api } from './api';

/** What a page gets: the API, its route's parameters, and a way to go to another route. */
export interface Ctx {
  readonly api: Api;
  readonly params: URLSearchParams;
  readonly arg?: string;
  go(hash: string): void;
}

/** A page: its element, redrawn by refresh() (called at once, then every few seconds while it is shown). */
export interface Page {
  readonly title: string;
  readonly el: HTMLElement;
  refresh(): Promise<void>;
  dispose?(): void;
}
