
wkt_all.protowktgoogle/protobuf/any.protogoogle/protobuf/duration.protogoogle/protobuf/empty.protogoogle/protobuf/struct.protogoogle/protobuf/timestamp.protogoogle/protobuf/wrappers.proto"é

Everything&
any (2.google.protobuf.AnyRany5
duration (2.google.protobuf.DurationRduration,
empty (2.google.protobuf.EmptyRempty/
struct (2.google.protobuf.StructRstruct,
value (2.google.protobuf.ValueRvalue.
list (2.google.protobuf.ListValueRlist9

null_value (2.google.protobuf.NullValueR	nullValue*
ts (2.google.protobuf.TimestampRts-
i64	 (2.google.protobuf.Int64ValueRi64)
b
 (2.google.protobuf.BytesValueRbbproto3