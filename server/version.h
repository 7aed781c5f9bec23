/* version.h -- what GET /v1/metadata/version reports. */
#ifndef SR_SERVER_VERSION_H
#define SR_SERVER_VERSION_H

#define SLUICE_VERSION "0.1.0"
#ifndef SLUICE_COMMIT
#define SLUICE_COMMIT "unknown"
#endif

#endif
