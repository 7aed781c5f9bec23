/* admin.h -- sluiced's commands besides serving: writing the credentials file (passwd, apikey)
 * and listing the route table with what each route needs (--routes). */
#ifndef SR_SERVER_ADMIN_H
#define SR_SERVER_ADMIN_H

/* When argv names one of these commands, run it and return its exit code; else return -1. */
int sr_admin_main(int argc, char **argv);

/* Tell the service manager (systemd's $NOTIFY_SOCKET, Type=notify) a state line such as
 * "READY=1"; nothing when not run under one. */
void sr_notify(const char *state);

#endif
