/* migrations.h -- versioned schema steps of the store (internal to store/).
 *
 * The database records how many steps it has run in PRAGMA user_version; opening runs the
 * missing ones in order, each in its own transaction together with the user_version bump. */
#ifndef SR_STORE_MIGRATIONS_H
#define SR_STORE_MIGRATIONS_H

/* SQL turning user_version `version`-1 into `version` (1-based); NULL when out of range.
 * The string is static. */
const char *sr_store__migration(int version);
/* Number of steps: the user_version of an up-to-date database. */
int sr_store__migration_count(void);

#endif
