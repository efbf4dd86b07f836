import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { PAYMENT_SIGNATURE_HEADER, PaymentCallback } from '@app/contracts';

export interface ReceivedCallback {
  rawBody: string;
  signature: string | undefined;
  event: PaymentCallback;
}

/** A merchant endpoint for the provider's callbacks: records each one and answers `status()` (200 by default). */
export class CallbackReceiver {
  readonly received: ReceivedCallback[] = [];
  status: () => number = () => 200;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<CallbackReceiver> {
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString();
        const status = receiver.status();
        if (status < 300) {
          const signature = req.headers[PAYMENT_SIGNATURE_HEADER] as string | undefined;
          receiver.received.push({ rawBody, signature, event: JSON.parse(rawBody) });
        }
        res.writeHead(status).end();
      });
    });
    const receiver = new CallbackReceiver(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/callbacks`;
  }

  types(paymentId: string): string[] {
    return this.received.filter((r) => r.event.data.paymentId === paymentId).map((r) => r.event.type);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
