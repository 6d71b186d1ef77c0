/**
 * The filter chain on one host: every filter of the list in order (host filters, then the
 * datastore and the network filters, which also choose), stopping at the first that turns the
 * host down. The list itself is built once, in pipeline.ts.
 */
import type { FilterContext, Filter, PreparedJob, RejectCode } from '../filter';
import type { NicChoice } from '../contract';

export type Confirmed =
  | { readonly ok: true; readonly datastoreId: number; readonly nics: readonly NicChoice[] }
  | { readonly ok: false; readonly code: RejectCode };

const NO_NICS: readonly NicChoice[] = [];

export function confirmHost(ctx: FilterContext, job: PreparedJob, i: number, filters: readonly Filter[] = ctx.placementFilters): Confirmed {
  let datastoreId = -1;
  let nics = NO_NICS;
  for (const filter of filters) {
    switch (filter.kind) {
      case 'host': {
        const r = filter.check(ctx, job, i);
        if (!r.ok) return { ok: false, code: r.reason.code };
        break;
      }
      case 'datastore': {
        const r = filter.choose(ctx, job, i);
        if (!r.ok) return { ok: false, code: r.reason.code };
        datastoreId = r.value;
        break;
      }
      case 'network': {
        const r = filter.choose(ctx, job, i);
        if (!r.ok) return { ok: false, code: r.reason.code };
        nics = r.value;
        break;
      }
    }
  }
  return { ok: true, datastoreId, nics };
}
