// The bare machine's only way out (scripts/bare-machine-check.sh), in two halves joined by a
// unix socket on the shared filesystem, because the check's network namespace has nothing
// but its own loopback:
//   proxy SOCKET        on the host: an HTTP forward proxy (plain requests for apt, CONNECT
//                       for npm's https) listening on SOCKET.
//   relay PORT SOCKET   inside the namespace: 127.0.0.1:PORT passed through to SOCKET, so
//                       apt-get and npm there can use http_proxy=http://127.0.0.1:PORT.
import { rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const [mode, ...args] = process.argv.slice(2);

/** Both ways until either side ends; an error on one side closes the other. */
function join(a, b) {
  a.on('error', () => b.destroy());
  b.on('error', () => a.destroy());
  a.pipe(b);
  b.pipe(a);
}

function proxy(socketPath) {
  const server = http.createServer((req, res) => {
    let target;
    try {
      target = new URL(req.url);
    } catch {
      res.writeHead(400).end('absolute URL expected\n');
      return;
    }
    const upstream = http.request(
      { host: target.hostname, port: target.port || 80, method: req.method, path: target.pathname + target.search, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502).end(`${error.message}\n`);
      else res.destroy();
    });
    req.pipe(upstream);
  });
  server.on('connect', (req, client, head) => {
    const [host, port] = req.url.split(/:(?=\d+$)/);
    const upstream = net.connect(Number(port) || 443, host);
    const refuse = (error) => client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\n${error.message}\n`);
    upstream.once('error', refuse);
    client.once('error', () => upstream.destroy());
    upstream.once('connect', () => {
      upstream.off('error', refuse);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      join(client, upstream);
    });
  });
  rmSync(socketPath, { force: true });
  server.listen(socketPath, () => console.log(`proxy listening on ${socketPath}`));
}

function relay(port, socketPath) {
  net
    .createServer((client) => join(client, net.connect(socketPath)))
    .listen(Number(port), '127.0.0.1', () => console.log(`relay 127.0.0.1:${port} -> ${socketPath}`));
}

if (mode === 'proxy' && args.length === 1) proxy(args[0]);
else if (mode === 'relay' && args.length === 2) relay(args[0], args[1]);
else {
  console.error('usage: bare-machine-proxy.mjs proxy SOCKET | relay PORT SOCKET');
  process.exit(2);
}
