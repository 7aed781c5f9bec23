
all_scalars.protoscalars"é
All
f_double (RfDouble
f_float (RfFloat
f_int32 (RfInt32
f_int64 (RfInt64
f_uint32 (RfUint32
f_uint64 (RfUint64
f_sint32 (RfSint32
f_sint64 (RfSint64
	f_fixed32	 (RfFixed32
	f_fixed64
 (RfFixed64

f_sfixed32 (R	fSfixed32

f_sfixed64 (R	fSfixed64
f_bool (RfBool
f_string (	RfString
f_bytes (RfBytes
r_double (RrDouble
r_string (	RrString
r_bytes (RrBytesbproto3