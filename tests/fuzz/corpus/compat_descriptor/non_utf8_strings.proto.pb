
non_utf8_strings.protoutf google/protobuf/descriptor.proto"}
Strings
a (	:ÿxÀ€Rí €
b (:\377\000\"\nRb
c (	:Ã©ğŸ˜€ğŸ˜€í €Rc
d (BŠµÿ’µşRdRô€€Râ‚:5
label.google.protobuf.FieldOptionsÑ† (	Rlabel:3
blob.google.protobuf.FieldOptionsÒ† (RblobB'
org.example.ÿBCafÃ©â‚¬ğŸ˜€Zrawÿbyte