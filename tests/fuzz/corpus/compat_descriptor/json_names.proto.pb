
json_names.protojn"Ò
J&
snake_case_name (	RsnakeCaseName
already_camel (	Rcustom
	trailing_ (	Rtrailing
__double (	RDouble"
with_2_digits (	Rwith2Digits
a (	Ra

UPPER_case (R	UPPERCasebproto3