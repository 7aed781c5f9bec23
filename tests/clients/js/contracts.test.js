// Data contracts through Confluent's JavaScript client against a real sluiced: a CEL domain rule
// that refuses an invalid record when it is serialized, and a JSONata migration rule that
// upgrades a record written with version 1 when it is read with version 2. The rules live in the
// registry (sluice keeps rule sets); the client's executors run them.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const {
  SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType,
} = require('@confluentinc/schemaregistry');
const { CelExecutor } = require('@confluentinc/schemaregistry/dist/rules/cel/cel-executor');
const { JsonataExecutor } = require('@confluentinc/schemaregistry/dist/rules/jsonata/jsonata-executor');
const { startServer, stopServer } = require('./server');

CelExecutor.register();
JsonataExecutor.register();

const PAYMENT = JSON.stringify({
  type: 'record', name: 'Payment', namespace: 'contracts',
  fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'int' }],
});

// Version 2 renames "amount" to "total": breaking, so it starts compatibility group "2".
const PAYMENT_V2 = JSON.stringify({
  type: 'record', name: 'Payment', namespace: 'contracts',
  fields: [{ name: 'id', type: 'string' }, { name: 'total', type: 'int' }],
});

test('data contracts run in the Confluent JavaScript client against sluiced', async (t) => {
  const srv = await startServer();
  const client = new SchemaRegistryClient({ baseURLs: [srv.url] });
  try {
    await t.test('a CEL domain rule refuses an invalid record at serialization', async () => {
      await client.registerFullResponse('cel-value', {
        schemaType: 'AVRO',
        schema: PAYMENT,
        ruleSet: {
          domainRules: [{
            name: 'positive', kind: 'CONDITION', mode: 'WRITE', type: 'CEL',
            expr: 'message.amount > 0',
          }],
        },
      });
      const ser = new AvroSerializer(client, SerdeType.VALUE,
        { useLatestVersion: true, autoRegisterSchemas: false });
      const good = await ser.serialize('cel', { id: 'p-1', amount: 5 });
      const back = await new AvroDeserializer(client, SerdeType.VALUE, {}).deserialize('cel', good);
      assert.strictEqual(back.amount, 5);
      await assert.rejects(ser.serialize('cel', { id: 'p-2', amount: -1 }), /positive|Rule/i);
    });

    await t.test('a JSONata migration rule upgrades a version 1 record read as version 2', async () => {
      await client.updateConfig('jsonata-value', { compatibilityGroup: 'major' });
      await client.registerFullResponse('jsonata-value', {
        schemaType: 'AVRO', schema: PAYMENT, metadata: { properties: { major: '1' } },
      });
      await client.registerFullResponse('jsonata-value', {
        schemaType: 'AVRO',
        schema: PAYMENT_V2,
        metadata: { properties: { major: '2' } },
        ruleSet: {
          migrationRules: [{
            name: 'amountToTotal', kind: 'TRANSFORM', mode: 'UPGRADE', type: 'JSONATA',
            expr: "$merge([$sift($, function($v, $k) {$k != 'amount'}), {'total': $.'amount'}])",
          }],
        },
      });
      const writerV1 = new AvroSerializer(client, SerdeType.VALUE,
        { useLatestWithMetadata: { major: '1' }, autoRegisterSchemas: false });
      const bytes = await writerV1.serialize('jsonata', { id: 'p-3', amount: 42 });
      const readerV2 = new AvroDeserializer(client, SerdeType.VALUE, { useLatestVersion: true });
      const upgraded = await readerV2.deserialize('jsonata', bytes);
      assert.deepStrictEqual({ ...upgraded }, { id: 'p-3', total: 42 });
    });
  } finally {
    client.close();
    await stopServer(srv);
  }
});
