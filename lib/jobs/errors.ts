/** Conditions of the job service that the HTTP edge maps to an answer (lib/http/middleware.ts). */

/** GET /cluster: no view recorded by a tick yet, and OpenNebula cannot be reached to take one. */
export class ClusterUnavailableError extends Error {
  constructor(options?: ErrorOptions) {
    super('the cluster cannot be shown: OpenNebula is unreachable and no tick has recorded a view of it yet; try again in a minute', options);
    this.name = 'ClusterUnavailableError';
  }
}
