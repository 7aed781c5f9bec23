
common/envelope.protoacme.common.v1google/protobuf/timestamp.protogoogle/protobuf/any.proto"¶
EventHeader
event_id (	ReventId;
occurred_at (2.google.protobuf.TimestampR
occurredAt
producer (	RproducerK

attributes (2+.acme.common.v1.EventHeader.AttributesEntryR
attributes'
schema_revision (RschemaRevision=
AttributesEntry
key (	Rkey
value (	Rvalue:8"o
Envelope3
header (2.acme.common.v1.EventHeaderRheader.
payload (2.google.protobuf.AnyRpayloadbproto3