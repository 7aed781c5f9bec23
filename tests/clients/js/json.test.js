// Confluent's JavaScript client's JSON Schema serializer and deserializer against a real sluiced,
// validation on: an object round-trips through the registered schema (references to another
// subject resolved by the client through the registry), and an invalid object is refused.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const {
  SchemaRegistryClient, JsonSerializer, JsonDeserializer, SerdeType,
} = require('@confluentinc/schemaregistry');
const { startServer, stopServer } = require('./server');

const MONEY = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  properties: { units: { type: 'integer' }, currency: { type: 'string', minLength: 3, maxLength: 3 } },
  required: ['units', 'currency'],
};
const ORDER = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'Order',
  type: 'object',
  properties: {
    id: { type: 'string' },
    total: { $ref: 'money.json' },
    lines: { type: 'array', items: { type: 'object', properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 } }, required: ['sku'] } },
  },
  required: ['id', 'total'],
  additionalProperties: false,
};

test('JSON objects round-trip through the Confluent JSON serializer and deserializer', async (t) => {
  const srv = await startServer();
  const client = new SchemaRegistryClient({ baseURLs: [srv.url] });
  try {
    await client.register('money.json', { schemaType: 'JSON', schema: JSON.stringify(MONEY) });
    const id = await client.register('orders-value', {
      schemaType: 'JSON',
      schema: JSON.stringify(ORDER),
      references: [{ name: 'money.json', subject: 'money.json', version: 1 }],
    });
    assert.ok(id > 0);
    const ser = new JsonSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: false, useLatestVersion: true, validate: true });
    const de = new JsonDeserializer(client, SerdeType.VALUE, { validate: true });

    await t.test('a valid object', async () => {
      const order = { id: 'o-1', total: { units: 42, currency: 'EUR' }, lines: [{ sku: 'A', qty: 2 }] };
      const bytes = await ser.serialize('orders', order);
      assert.strictEqual(bytes[0], 0);
      assert.strictEqual(bytes.readUInt32BE(1), id);
      const back = await de.deserialize('orders', bytes);
      assert.deepStrictEqual(back, order);
    });

    await t.test('an invalid object is refused by validation', async () => {
      await assert.rejects(ser.serialize('orders', { id: 'o-2', total: { units: 'many', currency: 'EUR' } }),
        /Invalid message/);
      await assert.rejects(ser.serialize('orders', { id: 'o-3', total: { units: 1, currency: 'EUR' }, extra: true }),
        /Invalid message/);
    });

    await t.test('the schema as the client reads it back', async () => {
      const got = await client.getBySubjectAndId('orders-value', id);
      assert.strictEqual(got.schemaType, 'JSON');
      assert.deepStrictEqual(JSON.parse(got.schema), ORDER);
      assert.deepStrictEqual(got.references.map((r) => r.name), ['money.json']);
    });
  } finally {
    await stopServer(srv);
  }
});
