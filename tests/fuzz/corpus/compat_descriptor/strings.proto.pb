
strings.protostrs"ç
S
joined (	:abcdefRjoined
single (	:it'sRsingle
hex (	:ABRhex
octal (	:ABRoctal
bin (:\000\377Rbin