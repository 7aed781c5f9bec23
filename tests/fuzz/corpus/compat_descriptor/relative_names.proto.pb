
relative_names.protorel.pkg"Ò
Outer"
a (2.rel.pkg.Outer.InnerRa"
b (2.rel.pkg.Outer.InnerRb"
c (2.rel.pkg.Outer.InnerRc"
d (2.rel.pkg.Outer.InnerRd"
e (2.rel.pkg.Outer.InnerRe
Inner
v (Rv"+
Other"
x (2.rel.pkg.Outer.InnerRxbproto3