// The ceiling of this machine: a bare node:http server that answers 200 to anything, doing no work.
// Started only by `npm run bench` (never part of the system); same wrk load shape as the purchase path.
// usage: node loadtest/baselines/bare-server.js [port]   (default 3090)
const http = require('node:http');

const port = Number(process.argv[2] || 3090);
const body = '{"status":"OK"}';

const server = http.createServer((req, res) => {
  req.resume(); // read (and drop) the body, as any real endpoint must
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
});
server.keepAliveTimeout = 65_000; // wrk keeps its connections open; do not make it reconnect mid-run
server.listen(port, '127.0.0.1', () => console.log(`bare-server: http://127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
