// Echo server on the npm `ws` package, a real third-party target for wsspec's tests.
// Usage: node ws_echo.js [--ws-dir DIR] PORT  (listens on 127.0.0.1).
// Without --ws-dir, `ws` is the one pinned in package.json next to this file; with it, the
// `ws` installed under DIR/node_modules (tests/targets/ws-latest: the newest 8.x), whose
// version is then printed on stderr.
'use strict';
const path = require('path');

const args = process.argv.slice(2);
let wsDir = null;
if (args[0] === '--ws-dir') {
  wsDir = path.resolve(args[1]);
  args.splice(0, 2);
}
const wsPath = wsDir ? require.resolve('ws', { paths: [wsDir] }) : 'ws';
// Node would also look in the folders above DIR (tests/targets/node_modules: the pinned one).
if (wsDir && !wsPath.startsWith(path.join(wsDir, 'node_modules') + path.sep)) {
  console.error(`ws_echo.js: no ws installed in ${wsDir}/node_modules (found ${wsPath})`);
  process.exit(2);
}
const { WebSocketServer } = require(wsPath);
if (wsDir) {
  const { version } = require(require.resolve('ws/package.json', { paths: [wsDir] }));
  console.error(`ws ${version} from ${path.dirname(wsPath)}`);
}

const port = Number(args[0]);
// permessage-deflate with ws's defaults (the compression cases need it); 64 MiB messages so
// the 16 MiB cases of the suite fit.
const wss = new WebSocketServer({
  host: '127.0.0.1', port, perMessageDeflate: true, maxPayload: 64 * 1024 * 1024,
});
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});
wss.on('listening', () => console.log('listening', port));
