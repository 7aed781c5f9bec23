
shadowing.protoshadow"
Thing
id (Rid"’
	Container8
inner_thing (2.shadow.Container.ThingR
innerThing.
outer_thing (2.shadow.ThingR
outerThing
Thing
name (	Rnamebproto3