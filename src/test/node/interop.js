// Drives porter's mux link with yamux-js, an independent yamux implementation, as the other end.
//
// Listens on 127.0.0.1 (port 0), prints "port N" on stdout, and takes porter's mux.connect as a
// yamux server. Then:
//  - streams porter opens (its entrances) are answered: the name line "upper" gets "+", then every
//    byte is sent back upper-cased;
//  - it opens STREAMS streams to porter's exit "echo", sends PAYLOAD random bytes on each, checks
//    that the echo comes back intact, and prints "opened ok N" (or "opened FAILED ...").
//
// yamux-js 0.2.0 quirks this works around, so porter's behaviour is what is tested:
//  - Session._transform loses a frame split across two reads: a deframer hands it whole frames;
//  - a FIN from the peer is never processed (processFlags checks SYN where it means FIN), and
//    stream.end() sends no FIN: streams are closed with stream.close(), completion is by length.
'use strict';
const net = require('net');
const crypto = require('crypto');
const { Transform } = require('stream');
const { Server } = require('yamux-js');

const STREAMS = Number(process.env.STREAMS || 10);
const PAYLOAD = Number(process.env.PAYLOAD || 1024 * 1024);
const HEADER = 12;

/** Re-chunks a byte stream into whole yamux frames. */
function deframer() {
  let buf = Buffer.alloc(0);
  return new Transform({
    transform(chunk, enc, cb) {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= HEADER) {
        const type = buf[1];
        const len = type === 0 ? buf.readUInt32BE(8) : 0;
        if (buf.length < HEADER + len) break;
        this.push(buf.subarray(0, HEADER + len));
        buf = buf.subarray(HEADER + len);
      }
      cb();
    },
  });
}

function onStream(stream) {
  let line = '';
  let named = false;
  stream.on('data', (chunk) => {
    if (named) {
      stream.write(Buffer.from(chunk.toString('latin1').toUpperCase(), 'latin1'));
      return;
    }
    line += chunk.toString('latin1');
    const nl = line.indexOf('\n');
    if (nl < 0) return;
    const name = line.slice(0, nl).trim();
    const rest = line.slice(nl + 1);
    named = true;
    if (name !== 'upper') {
      stream.write('-unknown service\r\n');
      stream.close();
      return;
    }
    stream.write('+\r\n');
    if (rest.length > 0) stream.write(Buffer.from(rest.toUpperCase(), 'latin1'));
  });
  stream.on('error', () => {});
}

function echoOnce(session, i) {
  return new Promise((resolve) => {
    const payload = crypto.randomBytes(PAYLOAD);
    const want = Buffer.concat([Buffer.from('+\r\n'), payload]);
    const got = [];
    let n = 0;
    const stream = session.open();
    const timer = setTimeout(() => resolve(`stream ${i}: timeout after ${n} of ${want.length} bytes`), 60000);
    stream.on('error', (e) => resolve(`stream ${i}: ${e.message}`));
    stream.on('data', (chunk) => {
      got.push(chunk);
      n += chunk.length;
      if (n >= want.length) {
        clearTimeout(timer);
        stream.close();
        const all = Buffer.concat(got);
        resolve(all.equals(want) ? 'ok' : `stream ${i}: echo differs`);
      }
    });
    stream.write('echo\r\n');
    for (let off = 0; off < payload.length; off += 16384) stream.write(payload.subarray(off, off + 16384));
  });
}

const server = net.createServer((socket) => {
  const session = new Server(onStream, { enableKeepAlive: false, logger: () => {} });
  session.on('error', (e) => console.log('session error ' + e.message));
  socket.pipe(deframer()).pipe(session).pipe(socket);
  socket.on('error', () => {});
  // Give porter's side a moment to settle, then open streams to its exit.
  setTimeout(async () => {
    const results = await Promise.all(Array.from({ length: STREAMS }, (_, i) => echoOnce(session, i)));
    const bad = results.filter((r) => r !== 'ok');
    console.log(bad.length === 0 ? `opened ok ${results.length}` : `opened FAILED ${bad.join('; ')}`);
  }, 200);
});
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
