import { createServer, request, type Server } from 'node:http';

export interface LoadBalancer {
  url: string;
  backends: Set<string>;
  close(): Promise<void>;
}

/**
 * A round-robin HTTP load balancer over the instances, with the health check a real one has: every
 * 100 ms GET /v1/health/ready on each backend; a backend answering anything but 200 gets no traffic.
 */
export async function startLoadBalancer(initial: string[]): Promise<LoadBalancer> {
  const backends = new Set(initial);
  const healthy = new Set(initial);
  let next = 0;
  const check = setInterval(() => {
    for (const backend of backends) {
      fetch(`${backend}/v1/health/ready`, { signal: AbortSignal.timeout(500) }).then(
        (response) => (response.status === 200 ? healthy.add(backend) : healthy.delete(backend)),
        () => healthy.delete(backend),
      );
    }
    for (const backend of healthy) if (!backends.has(backend)) healthy.delete(backend);
  }, 100);
  const server: Server = createServer((incoming, outgoing) => {
    const live = [...healthy];
    if (live.length === 0) {
      outgoing.writeHead(502).end('no backend');
      return;
    }
    const target = new URL(incoming.url ?? '/', live[next++ % live.length]);
    // a new backend connection per request (as haproxy's http-server-close): no reuse of a socket the backend is closing
    const proxied = request(target, { method: incoming.method, headers: incoming.headers, agent: false }, (response) => {
      outgoing.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(outgoing);
    });
    proxied.once('error', () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end('backend failed');
    });
    incoming.pipe(proxied);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    backends,
    close: () => {
      clearInterval(check);
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
