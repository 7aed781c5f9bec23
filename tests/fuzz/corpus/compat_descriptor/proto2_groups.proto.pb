
proto2_groups.protogroups"«
SearchResponse5
result (
2.groups.SearchResponse.ResultRresult
total (RtotalL
Result
url (	Rurl
title (	Rtitle
snippets (	Rsnippets