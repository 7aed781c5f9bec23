
map_entry_names.protomen"¸
M>
snake_case_map (2.men.M.SnakeCaseMapEntryRsnakeCaseMap
m (2.men.M.MEntryRm&
__lead (2.men.M.LeadEntryRLead?
SnakeCaseMapEntry
key (	Rkey
value (	Rvalue:84
MEntry
key (	Rkey
value (	Rvalue:87
	LeadEntry
key (	Rkey
value (	Rvalue:8bproto3