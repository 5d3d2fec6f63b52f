import FindMyWay, { type HTTPMethod } from 'find-my-way';

const METHODS: HTTPMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * A copy of the app's routes, so an unmatched request can be told apart: a path that exists under
 * other methods is 405 with `Allow`, anything else 404.
 */
export class RouteTable {
  private readonly router = FindMyWay();

  add(method: string | string[], url: string): void {
    for (const one of [method].flat()) {
      if (METHODS.includes(one as HTTPMethod)) this.router.on(one as HTTPMethod, url, () => undefined);
    }
  }

  allowedMethods(path: string): HTTPMethod[] {
    return METHODS.filter((method) => this.router.find(method, path) !== null);
  }
}
