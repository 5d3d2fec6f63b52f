import { createServer, type Server, type Socket, connect } from 'node:net';

export interface TcpProxy {
  /** The target URL with host and port replaced by the proxy's. */
  url: string;
  /** Drops every open connection and refuses new ones: the database "goes away". */
  cut(): Promise<void>;
  /** Accepts and forwards connections again. */
  restore(): Promise<void>;
  /** Keeps every connection open but forwards nothing either way: the target "hangs". */
  stall(): void;
  /** Forwards again what was held back and everything after it. */
  resume(): void;
  close(): Promise<void>;
}

/** A TCP forwarder in front of a postgres:// or redis:// URL, so a test can make the target unreachable or hang. */
export async function startTcpProxy(targetUrl: string): Promise<TcpProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  let stalled = false;
  const pairs = new Set<{ client: Socket; upstream: Socket }>();

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const next = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const socket of [client, upstream]) {
          sockets.add(socket);
          socket.on('close', () => sockets.delete(socket));
          socket.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        const pair = { client, upstream };
        pairs.add(pair);
        client.on('close', () => pairs.delete(pair));
        if (stalled) {
          client.pause();
          upstream.pause();
        }
        client.pipe(upstream).pipe(client);
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as { port: number }).port;
        server = next;
        resolve();
      });
    });

  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });

  await listen();
  const url = new URL(targetUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);
  const stall = () => {
    stalled = true;
    for (const { client, upstream } of pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  };
  const resume = () => {
    stalled = false;
    for (const { client, upstream } of pairs) {
      client.pipe(upstream);
      upstream.pipe(client);
    }
  };
  return { url: url.toString(), cut: stop, restore: listen, stall, resume, close: stop };
}
