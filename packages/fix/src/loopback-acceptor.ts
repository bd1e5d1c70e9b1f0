import type { AddressInfo, Server } from 'node:net';
import type { IJsFixConfig } from 'jspurefix';
import { TcpAcceptor } from './jspurefix.js';

/** Called once the acceptor listens (with the bound port) or failed to. */
export type ListeningCallback = (error: Error | null, port: number) => void;

/**
 * jspurefix's TCP acceptor bound to one host (jspurefix listens on every
 * interface) and reporting the port it bound, so `port: 0` works. A listen
 * error is reported to the callback instead of being thrown from an event
 * handler (which would end the process).
 */
export class BoundTcpAcceptor extends TcpAcceptor {
  constructor(
    config: IJsFixConfig,
    private readonly host: string,
    private readonly onListening: ListeningCallback,
  ) {
    super(config);
    const server = this.netServer();
    server.removeAllListeners('error');
    server.on('error', (e: Error) => this.onListening(e, 0));
  }

  // jspurefix keeps its server private; this subclass is the one place that reaches it.
  private netServer(): Server {
    return (this as unknown as { server: Server }).server;
  }

  override listen(): void {
    const server = this.netServer();
    const port = this.config.description.application?.tcp?.port ?? 0;
    server.listen(port, this.host, () => this.onListening(null, (server.address() as AddressInfo).port));
  }
}
