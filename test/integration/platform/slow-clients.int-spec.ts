import { Body, Controller, Module, Post } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Socket, connect } from 'node:net';
import { createService } from '@app/http';

// Read once by the first loadConfig() of this file (createService): set before it runs.
process.env.HTTP_HEADERS_TIMEOUT_MS = '1000';
process.env.HTTP_REQUEST_TIMEOUT_MS = '2000';

@Controller('echo')
class EchoController {
  @Post()
  echo(@Body() body: unknown): unknown {
    return body;
  }
}
@Module({ controllers: [EchoController] })
class EchoModule {}

interface Trickled {
  /** what the server sent before closing */
  reply: string;
  closedAfterMs: number;
}

/** Sends `head` at once, then one byte of `drip` every 100 ms, until the server closes (or 10 s pass). */
function trickle(port: number, head: string, drip: string): Promise<Trickled> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let reply = '';
    let sent = 0;
    const timer = setInterval(() => {
      if (Date.now() - started > 10_000) {
        clearInterval(timer);
        socket.destroy();
        reject(new Error(`still open after 10 s (server sent: ${JSON.stringify(reply)})`));
      } else if (socket.writable) socket.write(drip[sent++ % drip.length]);
    }, 100);
    socket.on('data', (chunk) => (reply += chunk.toString()));
    socket.on('error', () => undefined); // a reset is also a close
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ reply, closedAfterMs: Date.now() - started });
    });
    socket.write(head);
  });
}

describe('slow clients (a real listening server)', () => {
  let app: NestFastifyApplication;
  let port: number;

  beforeAll(async () => {
    app = await createService(EchoModule, 'slow-clients');
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = Number(new URL(await app.getUrl()).port);
  });
  afterAll(() => app.close());

  it('when a client trickles its headers, then it gets 408 and the connection closes after the headers timeout', async () => {
    const { reply, closedAfterMs } = await trickle(
      port,
      'POST /echo HTTP/1.1\r\nHost: x\r\n',
      'X-Slow: 1\r\n',
    );
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    expect(reply).toContain('"code":"REQUEST_TIMEOUT"');
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(3_500);
  });

  it('when a client trickles its body, then the connection closes after the request timeout', async () => {
    const head =
      'POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n';
    const { reply, closedAfterMs } = await trickle(port, head, '{"a":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}');
    expect(reply).not.toMatch(/^HTTP\/1\.1 2/);
    expect(closedAfterMs).toBeGreaterThanOrEqual(1_900);
    expect(closedAfterMs).toBeLessThan(4_500);
  });

  it('when a client sends its request at once, then it is answered', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(res.json()).toEqual({ a: 1 });
  });
});
