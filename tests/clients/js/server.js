// Start the real sluiced on a free 127.0.0.1 port with a temporary store, and stop it, failing
// on a non-zero exit or a sanitizer report. Shared by the client tests.
'use strict';
const assert = require('node:assert');
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const SLUICED = process.env.SLUICED || path.join(__dirname, '..', '..', '..', 'build', 'sluiced');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
    s.on('error', reject);
  });
}

// options.config: properties for a --config file (written in the server's directory, which
// options.prepare(dir) may fill first, e.g. with certificates); options.https: listen with TLS.
async function startServer(options = {}) {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-js-'));
  const args = [];
  const config = options.prepare ? options.prepare(dir) : (options.config || {});
  if (Object.keys(config).length) {
    const file = path.join(dir, 'sluice.properties');
    fs.writeFileSync(file, Object.entries(config).map(([k, v]) => `${k}=${v}\n`).join(''));
    args.push('--config', file);
  }
  const scheme = options.https ? 'https' : 'http';
  const proc = spawn(SLUICED, [...args, '--listeners', `${scheme}://127.0.0.1:${port}`, '--db', path.join(dir, 'r.db')],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  const url = `${scheme}://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (proc.exitCode !== null) break;
    try {
      const ok = await new Promise((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => { s.end(); resolve(true); });
        s.on('error', () => resolve(false));
      });
      if (ok) return { proc, url, dir, log: () => log };
    } catch (e) { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  proc.kill('SIGKILL');
  throw new Error('sluiced did not start: ' + log);
}

async function stopServer(srv) {
  const code = await new Promise((resolve) => { srv.proc.on('exit', (c) => resolve(c)); srv.proc.kill('SIGTERM'); });
  fs.rmSync(srv.dir, { recursive: true, force: true });
  assert.ok(!/AddressSanitizer|LeakSanitizer|runtime error:/.test(srv.log()), srv.log());
  assert.strictEqual(code, 0, 'sluiced exit status');
}

module.exports = { startServer, stopServer };
