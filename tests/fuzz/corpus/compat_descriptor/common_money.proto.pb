
common/money.protoacme.common.v1"X
Money#
currency_code (	RcurrencyCode
units (Runits
nanos (RnanosB:
com.acme.common.v1PZ"github.com/acme/common/v1;commonv1bproto3