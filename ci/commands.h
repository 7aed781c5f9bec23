/* commands.h -- the sluice CLI's commands and their exit codes (the CLI's contract). */
#ifndef SR_CI_COMMANDS_H
#define SR_CI_COMMANDS_H

#include "ci/client.h"

enum {
    SR_EXIT_OK = 0,          /* done; compatible */
    SR_EXIT_BREAKING = 1,    /* incompatible change; differences found by --verify */
    SR_EXIT_USAGE = 2,       /* usage, config or request error */
    SR_EXIT_UNREACHABLE = 3, /* the registry could not be reached */
};

typedef struct sr_cli {
    const char *registry; /* --registry, or NULL for the environment */
} sr_cli;

typedef int (*sr_command_fn)(sr_cli *cli, int argc, char **argv);

int sr_cmd_subjects(sr_cli *cli, int argc, char **argv);
int sr_cmd_versions(sr_cli *cli, int argc, char **argv);
int sr_cmd_show(sr_cli *cli, int argc, char **argv);
int sr_cmd_register(sr_cli *cli, int argc, char **argv);
int sr_cmd_check(sr_cli *cli, int argc, char **argv);
int sr_cmd_config(sr_cli *cli, int argc, char **argv);
int sr_cmd_mode(sr_cli *cli, int argc, char **argv);
int sr_cmd_ci(sr_cli *cli, int argc, char **argv);
int sr_cmd_export(sr_cli *cli, int argc, char **argv);
int sr_cmd_import(sr_cli *cli, int argc, char **argv);
int sr_cmd_migrate(sr_cli *cli, int argc, char **argv);
int sr_cmd_validate(sr_cli *cli, int argc, char **argv);

#endif
