
proto2_extensions.protoext"2

Extendable
base (Rbase*dÈ*	è€€€€"U
Holder
value (	Rvalue25
holder.ext.Extendable– (2.ext.HolderRholder:#
note.ext.Extendabled (	Rnote:#
tags.ext.Extendablee (Rtags