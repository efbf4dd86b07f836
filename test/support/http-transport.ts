import { Agent, request } from 'node:http';

export interface HttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** How the API client's requests travel: one request in, its status and text out. */
export interface HttpTransport {
  send(url: string, req: HttpRequest): Promise<{ status: number; text: string }>;
  close(): void;
}

/**
 * `fetch`: what the specs use. A reply that never comes ends as a `TimeoutError` (AbortSignal.timeout), a
 * reset connection as a TypeError whose `cause.code` says which — the chaos suite tells them apart.
 */
export const fetchTransport: HttpTransport = {
  async send(url, { method, headers, body, signal }) {
    const res = await fetch(url, { method, headers, body, signal });
    return { status: res.status, text: await res.text() };
  },
  close() {},
};

/**
 * Keep-alive connections, at most `maxSockets` at once, as a load generator uses them: a burst of 2,000
 * buyers then measures the gateway rather than 2,000 simultaneous TCP handshakes on one small machine.
 */
export function pooledTransport(maxSockets = 256): HttpTransport {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return {
    send: (url, { method, headers, body, signal }) =>
      new Promise((resolve, reject) => {
        const req = request(url, { method, headers, agent, signal }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      }),
    close: () => agent.destroy(),
  };
}
