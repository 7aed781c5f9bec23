// Confluent's JavaScript client (@confluentinc/schemaregistry) against a real sluiced: register,
// look up, check compatibility, configure, and round-trip records through its Avro serializer and
// deserializer. The server is started here on a free 127.0.0.1 port with a temporary store.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const {
  SchemaRegistryClient, AvroSerializer, AvroDeserializer, SerdeType, Compatibility,
} = require('@confluentinc/schemaregistry');
const { startServer, stopServer } = require('./server');

const ORDER_V1 = JSON.stringify({
  type: 'record', name: 'Order', namespace: 'shop',
  fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'long' }],
});
const ORDER_V2 = JSON.stringify({
  type: 'record', name: 'Order', namespace: 'shop',
  fields: [{ name: 'id', type: 'string' }, { name: 'amount', type: 'long' },
    { name: 'note', type: ['null', 'string'], default: null }],
});
const ORDER_BAD = JSON.stringify({
  type: 'record', name: 'Order', namespace: 'shop',
  fields: [{ name: 'id', type: 'int' }, { name: 'amount', type: 'long' }],
});

test('the Confluent JavaScript client works against sluiced', async (t) => {
  const srv = await startServer();
  const client = new SchemaRegistryClient({ baseURLs: [srv.url] });
  try {
    await t.test('register, look up and read back', async () => {
      const id = await client.register('orders-value', { schema: ORDER_V1, schemaType: 'AVRO' });
      assert.ok(id > 0);
      assert.strictEqual(await client.register('orders-value', { schema: ORDER_V1, schemaType: 'AVRO' }), id);
      assert.strictEqual(await client.getId('orders-value', { schema: ORDER_V1, schemaType: 'AVRO' }), id);
      const byId = await client.getBySubjectAndId('orders-value', id);
      assert.deepStrictEqual(JSON.parse(byId.schema), JSON.parse(ORDER_V1));
      const latest = await client.getLatestSchemaMetadata('orders-value');
      assert.strictEqual(latest.version, 1);
      assert.strictEqual(latest.id, id);
      assert.deepStrictEqual(await client.getAllVersions('orders-value'), [1]);
      assert.ok((await client.getAllSubjects()).includes('orders-value'));
      assert.strictEqual(await client.getVersion('orders-value', { schema: ORDER_V1, schemaType: 'AVRO' }), 1);
    });

    await t.test('compatibility checks and config', async () => {
      assert.strictEqual(await client.testSubjectCompatibility('orders-value', { schema: ORDER_V2 }), true);
      assert.strictEqual(await client.testSubjectCompatibility('orders-value', { schema: ORDER_BAD }), false);
      assert.strictEqual(await client.testCompatibility('orders-value', 1, { schema: ORDER_V2 }), true);
      await client.updateCompatibility('orders-value', Compatibility.FULL);
      assert.strictEqual(await client.getCompatibility('orders-value'), Compatibility.FULL);
      await assert.rejects(client.register('orders-value', { schema: ORDER_BAD }), (e) => e.errorCode === 409);
      const v2 = await client.registerFullResponse('orders-value', { schema: ORDER_V2 });
      assert.strictEqual(v2.version, 2);
    });

    await t.test('records round-trip through the Avro serializer and deserializer', async () => {
      const registered = await client.register('payments-value', { schema: ORDER_V2, schemaType: 'AVRO' });
      const ser = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true, autoRegisterSchemas: false });
      const de = new AvroDeserializer(client, SerdeType.VALUE, {});
      const msg = { id: 'o-1', amount: 4200, note: 'gift' };
      const bytes = await ser.serialize('payments', msg);
      assert.strictEqual(bytes[0], 0); // magic byte
      const id = bytes.readInt32BE(1);
      assert.strictEqual(id, registered);
      const back = await de.deserialize('payments', bytes);
      assert.strictEqual(back.id, 'o-1');
      assert.strictEqual(Number(back.amount), 4200);
      assert.strictEqual(back.note, 'gift');
      // and with auto-registration, the serializer registers the schema it infers itself
      const auto = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true });
      const bytes2 = await auto.serialize('events', { name: 'x', count: 3 });
      const back2 = await new AvroDeserializer(client, SerdeType.VALUE, {}).deserialize('events', bytes2);
      assert.deepStrictEqual({ ...back2 }, { name: 'x', count: 3 });
      assert.deepStrictEqual(await client.getAllVersions('events-value'), [1]);
    });

    await t.test('deletes', async () => {
      await client.register('temp-value', { schema: '"string"' });
      assert.deepStrictEqual(await client.deleteSubject('temp-value', false), [1]);
      assert.deepStrictEqual(await client.deleteSubject('temp-value', true), [1]);
    });
  } finally {
    client.close();
    await stopServer(srv);
  }
});
