
events/store/store_events.protoacme.events.store.v1common/address.protogoogle/protobuf/wrappers.proto google/protobuf/field_mask.proto"»
StoreOpened
store_id (	RstoreId7
address (2.acme.common.v1.PostalAddressRaddress6
manager (2.google.protobuf.StringValueRmanager 
departments (	Rdepartments"ž
StoreUpdated
store_id (	RstoreId=
snapshot (2!.acme.events.store.v1.StoreOpenedRsnapshot4
changed (2.google.protobuf.FieldMaskRchanged"b
StoreClosed
store_id (	RstoreId8
	permanent (2.google.protobuf.BoolValueR	permanentbproto3