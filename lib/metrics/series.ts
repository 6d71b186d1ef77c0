/**
 * A series (a metric's name and its label values) as one string key, the attribute name under
 * which lib/store/metricsCounters.ts keeps its value: JSON, so any label value survives.
 */
export type Labels = Readonly<Record<string, string>>;

export const seriesKey = (name: string, labels: Labels = {}): string => JSON.stringify([name, labels]);

export function parseSeriesKey(key: string): { name: string; labels: Labels } | undefined {
  try {
    const [name, labels] = JSON.parse(key) as [unknown, unknown];
    if (typeof name !== 'string' || typeof labels !== 'object' || labels === null) return undefined;
    return { name, labels: labels as Labels };
  } catch {
    return undefined;
  }
}
