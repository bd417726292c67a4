// Echo server on the npm `ws` package (version pinned in package.json), a real third-party
// target for wsspec's tests. Usage: node ws_echo.js PORT  (listens on 127.0.0.1).
'use strict';
const { WebSocketServer } = require('ws');

const port = Number(process.argv[2]);
// No compression offered; 64 MiB messages so the 16 MiB cases of the suite fit.
const wss = new WebSocketServer({
  host: '127.0.0.1', port, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024,
});
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});
wss.on('listening', () => console.log('listening', port));
