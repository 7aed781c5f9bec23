
group_proto2_nested.protogn"°
Outer.
settings (
2.gn.Outer.SettingsRsettingsw
Settings
level (Rlevel7
override (
2.gn.Outer.Settings.OverrideRoverride
Override
key (	Rkey