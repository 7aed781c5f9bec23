// Confluent's JavaScript client against a sluiced that asks for credentials and speaks HTTPS:
// its basic-auth settings (USER_INFO) work unchanged, wrong ones are refused with 40101, and it
// reaches the registry over TLS with a certificate this test makes.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const https = require('node:https');
const path = require('node:path');
const { SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType } = require('@confluentinc/schemaregistry');
const { startServer, stopServer } = require('./server');

const SLUICED = process.env.SLUICED || path.join(__dirname, '..', '..', '..', 'build', 'sluiced');
const SCHEMA = JSON.stringify({ type: 'record', name: 'Pay', fields: [{ name: 'id', type: 'string' }] });

function openssl(...args) {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

// A CA and a server certificate for 127.0.0.1; a credentials file with two users.
function prepare(dir) {
  const p = (n) => path.join(dir, n);
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', p('ca.key'), '-out', p('ca.pem'), '-days', '2', '-subj', '/CN=sluice js CA');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(p('server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl('x509', '-req', '-in', p('server.csr'), '-CA', p('ca.pem'), '-CAkey', p('ca.key'),
    '-CAcreateserial', '-out', p('server.pem'), '-days', '2', '-extfile', p('server.ext'));
  for (const [user, role] of [['producer', 'writer'], ['viewer', 'reader']]) {
    execFileSync(SLUICED, ['passwd', p('credentials'), user, '--role', role], { input: 'pw-' + user + '\n' });
  }
  return {
    'authentication.method': 'BASIC', 'sluice.auth.file': p('credentials'),
    'sluice.tls.cert.file': p('server.pem'), 'sluice.tls.key.file': p('server.key'),
  };
}

test('the Confluent JavaScript client with basic auth over https', async (t) => {
  const srv = await startServer({ https: true, prepare });
  const agent = new https.Agent({ ca: fs.readFileSync(path.join(srv.dir, 'ca.pem')) });
  const client = (user, password) => new SchemaRegistryClient({
    baseURLs: [srv.url],
    createAxiosDefaults: { httpsAgent: agent },
    basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `${user}:${password}` },
    maxRetries: 0,
  });
  const producer = client('producer', 'pw-producer');
  const viewer = client('viewer', 'pw-viewer');
  const intruder = client('producer', 'wrong');
  try {
    await t.test('the right user registers and round-trips a record', async () => {
      const id = await producer.register('pay-value', { schema: SCHEMA, schemaType: 'AVRO' });
      assert.ok(id > 0);
      const ser = new AvroSerializer(producer, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
      const bytes = await ser.serialize('pay', { id: 'p-1' });
      const back = await new AvroDeserializer(viewer, SerdeType.VALUE, {}).deserialize('pay', bytes);
      assert.strictEqual(back.id, 'p-1');
    });
    await t.test('a reader may not register, and wrong credentials are 401', async () => {
      await assert.rejects(viewer.register('pay-value', { schema: '"string"' }), (e) => e.errorCode === 40301);
      await assert.rejects(intruder.getAllSubjects(), (e) => e.errorCode === 40101);
      assert.deepStrictEqual(await viewer.getAllSubjects(), ['pay-value']);
    });
  } finally {
    producer.close();
    viewer.close();
    intruder.close();
    agent.destroy();
    await stopServer(srv);
  }
});
