// Echo client on the npm `ws` package, a real third-party client for `wsspec serve-cases`.
// Usage: node ws_echo_client.js [--ws-dir DIR] [--deflate] URL
// Connects to URL, sends back every message it receives (same opcode), and exits when the
// connection ends, opened or not. Without --ws-dir, `ws` is the one pinned in package.json
// next to this file; with it, the `ws` under DIR/node_modules.
// --deflate offers permessage-deflate (ws's default offer), for the compression cases.
'use strict';
const path = require('path');

const args = process.argv.slice(2);
let wsDir = null;
if (args[0] === '--ws-dir') {
  wsDir = path.resolve(args[1]);
  args.splice(0, 2);
}
let deflate = false;
if (args[0] === '--deflate') {
  deflate = true;
  args.shift();
}
const { WebSocket } = require(wsDir ? require.resolve('ws', { paths: [wsDir] }) : 'ws');

// 64 MiB messages so the 16 MiB cases fit.
const ws = new WebSocket(args[0], { perMessageDeflate: deflate, maxPayload: 64 << 20 });
ws.on('message', (data, isBinary) => {
  ws.send(data, { binary: isBinary });
});
ws.on('error', () => {});
ws.on('close', () => process.exit(0));
