/* logs.h -- the access log (one line per request) and the audit log (one JSON line per change:
 * register, delete, config, mode; who, from where, when, the outcome). Each goes to standard
 * error, to a file (reopened on SIGHUP, for log rotation) or nowhere. Thread-safe: a line is
 * written whole. Access lines are written in batches, at most half a second late; audit lines at
 * once. */
#ifndef SR_SERVER_LOGS_H
#define SR_SERVER_LOGS_H

#include "common/err.h"

typedef struct sr_logs_opts {
    const char *access;  /* sluice.access.log: "stderr", "off" or a file path */
    int access_json;     /* sluice.access.log.format=json: JSON lines instead of text */
    const char *audit;   /* sluice.audit.log: "stderr", "off" or a file path */
} sr_logs_opts;

typedef struct sr_logs sr_logs;

/* What one request did. Strings may be NULL; all are borrowed for the call. */
typedef struct sr_log_entry {
    const char *method, *path, *route; /* route: the template, NULL when none matched */
    const char *user;                  /* NULL when authentication is off or failed */
    const char *addr;                  /* the client's address */
    const char *subject;               /* what it acted on, when the route names one */
    int status;
    long long us;                      /* headers to answer */
    const char *request_body;          /* for the audit log of config and mode changes */
    const char *response_body;
} sr_log_entry;

int sr_logs_open(sr_logs **out, const sr_logs_opts *o, sr_err *err);
/* Reopen the files (after rotation). 0, or -1 with err; a log that cannot be reopened keeps
 * its old file. */
int sr_logs_reopen(sr_logs *l, sr_err *err);
void sr_logs_close(sr_logs *l); /* NULL is a no-op */

void sr_logs_access(sr_logs *l, const sr_log_entry *e);
/* `action`: register, delete-subject, delete-version, config, config-delete, mode, mode-delete. */
void sr_logs_audit(sr_logs *l, const char *action, const sr_log_entry *e);

#endif
