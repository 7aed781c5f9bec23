// Confluent's JavaScript client's Protobuf serializer and deserializer against a real sluiced.
// The client registers each file as a base64 FileDescriptorProto (imports under subjects named by
// their paths), and the deserializer reads them back with format=serialized. The descriptors come
// from protoc, independently of sluice.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { create, createFileRegistry, createMutableRegistry, fromBinary } = require('@bufbuild/protobuf');
const { FileDescriptorSetSchema, timestampFromDate } = require('@bufbuild/protobuf/wkt');
const {
  SchemaRegistryClient, ProtobufSerializer, ProtobufDeserializer, SerdeType,
} = require('@confluentinc/schemaregistry');
const { startServer, stopServer } = require('./server');

function loadProtos() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-protos-'));
  const out = path.join(dir, 'set.pb');
  execFileSync('protoc', ['--descriptor_set_out=' + out, '--include_imports',
    '-I', path.join(__dirname, 'protos'), 'order.proto']);
  const set = fs.readFileSync(out);
  fs.rmSync(dir, { recursive: true, force: true });
  return createFileRegistry(fromBinary(FileDescriptorSetSchema, set));
}

test('protobuf records round-trip through the Confluent serializer and deserializer', async (t) => {
  const srv = await startServer();
  const client = new SchemaRegistryClient({ baseURLs: [srv.url] });
  try {
    const files = loadProtos();
    const registry = createMutableRegistry(files);
    const Order = files.getMessage('shop.v1.Order');
    const Line = files.getMessage('shop.v1.Order.Line');
    const Money = files.getMessage('shop.common.v1.Money');
    const ser = new ProtobufSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true, registry });
    const de = new ProtobufDeserializer(client, SerdeType.VALUE, {});

    await t.test('a top-level message', async () => {
      const order = create(Order, {
        id: 'o-1',
        total: create(Money, { currencyCode: 'EUR', units: 42n }),
        placedAt: timestampFromDate(new Date('2026-11-22T10:00:00Z')),
        lines: [create(Line, { sku: 'A', quantity: 2 })],
      });
      const bytes = await ser.serialize('orders', order);
      assert.strictEqual(bytes[0], 0);
      const back = await de.deserialize('orders', bytes);
      assert.strictEqual(back.$typeName, 'shop.v1.Order');
      assert.strictEqual(back.id, 'o-1');
      assert.strictEqual(back.total.units, 42n);
      assert.strictEqual(back.lines[0].sku, 'A');
      // the import was registered under a subject named by its path, and referenced
      const latest = await client.getLatestSchemaMetadata('orders-value');
      assert.strictEqual(latest.schemaType, 'PROTOBUF');
      assert.deepStrictEqual(latest.references.map((r) => r.name), ['common/money.proto']);
      assert.ok((await client.getAllSubjects()).includes('common/money.proto'));
    });

    await t.test('a nested message (message index [0, 0])', async () => {
      const bytes = await ser.serialize('lines', create(Line, { sku: 'B', quantity: 7 }));
      const back = await de.deserialize('lines', bytes);
      assert.strictEqual(back.$typeName, 'shop.v1.Order.Line');
      assert.strictEqual(back.sku, 'B');
      assert.strictEqual(back.quantity, 7);
    });
  } finally {
    client.close();
    await stopServer(srv);
  }
});
