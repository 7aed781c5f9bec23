
proto2_no_syntax.protonosyntax"3
Old
a (	Ra
b (BRb
c (Rc