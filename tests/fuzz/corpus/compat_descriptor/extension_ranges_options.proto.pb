
extension_ranges_options.protoero"&
Base
a (Ra*
**2=