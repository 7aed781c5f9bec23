/* store_sqlite.h -- internals shared by the SQLite backend's files. Not part of the store API. */
#ifndef SR_STORE_SQLITE_H
#define SR_STORE_SQLITE_H

extern const char *const sr_store__migrations[];
extern const int sr_store__nmigrations;

#endif
