
!events/order/order_shipment.protoacme.events.order.v1!events/order/order_timeline.protocommon/envelope.proto"¼
OrderShipped3
header (2.acme.common.v1.EventHeaderRheader
order_id (	RorderIdG
status (2/.acme.events.order.v1.OrderStatusChanged.StatusRstatusC
parcels (2).acme.events.order.v1.OrderShipped.ParcelRparcelsN
Parcel'
tracking_number (	RtrackingNumber
	weight_kg (RweightKgbproto3