/** Binding and draining a grpc-js server: the same for the gateway and the drivers. */
import { type Server, ServerCredentials } from '@grpc/grpc-js';

/** Binds plaintext on host:port (0 picks a free port); resolves with the bound port. */
export function listenInsecure(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) =>
    server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
  );
}

/** Stops accepting calls, lets running ones finish up to `graceMs`, then forces. */
export function shutdownGracefully(server: Server, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(t);
      resolve();
    });
  });
}
