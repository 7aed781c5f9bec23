/* main.c -- sluice, the command-line client of a schema registry: the command table. */
#include "ci/commands.h"
#include "common/buf.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    sr_command_fn fn;
    const char *usage;
} commands[] = {
    {"subjects", sr_cmd_subjects, "subjects                         list the subjects"},
    {"versions", sr_cmd_versions, "versions SUBJECT                 list a subject's versions"},
    {"show", sr_cmd_show, "show SUBJECT [VERSION] | show --id ID\n"
                          "                                   print a schema (default: latest)"},
    {"register", sr_cmd_register, "register SUBJECT FILE [--type T] [--ref NAME=SUBJECT:VERSION]...\n"
                                  "                                   register a schema file"},
    {"check", sr_cmd_check, "check SUBJECT FILE [--type T] [--ref NAME=SUBJECT:VERSION]...\n"
                            "                                   dry-run compatibility against the subject"},
    {"validate", sr_cmd_validate, "validate SUBJECT FILE [--version V] [--message NAME] | validate --id ID FILE\n"
                                  "                                   check a JSON document against a schema"},
    {"config", sr_cmd_config, "config [SUBJECT] [LEVEL]         show or set the compatibility level"},
    {"mode", sr_cmd_mode, "mode [SUBJECT] [MODE]            show or set the mode"},
    {"ci", sr_cmd_ci, "ci check --against REV [--offline] [--repo DIR] [--level L] [--format F]\n"
                      "                                   check the .proto files changed since the\n"
                      "                                   merge base with REV (--offline: no registry;\n"
                      "                                   F: human, github, markdown, junit, json)\n"
                      "  ci register [--since REV] [--dry-run] [--repo DIR]\n"
                      "                                   register changed files, imports first"},
    {"export", sr_cmd_export, "export FILE                      every subject, version, id, config and\n"
                              "                                   mode of the registry into FILE"},
    {"import", sr_cmd_import, "import FILE [--verify]           FILE into the registry, ids kept"},
    {"migrate", sr_cmd_migrate, "migrate --from URL --to URL [--verify] [--follow SECONDS]\n"
                                "                                   copy one registry into another, ids kept;\n"
                                "                                   --follow repeats until the source is\n"
                                "                                   READONLY"},
};

static void usage(FILE *f)
{
    fputs("usage: sluice [--registry URL] COMMAND [ARGS]\n\n", f);
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(f, "  %s\n", commands[i].usage);
    fputs("\nThe registry is --registry URL or SLUICE_REGISTRY_URL; credentials come from\n"
          "SLUICE_REGISTRY_USER and SLUICE_REGISTRY_PASSWORD, or SLUICE_REGISTRY_TOKEN.\n"
          "A schema's type follows its file name (.proto PROTOBUF, .avsc AVRO, .json JSON)\n"
          "unless --type says otherwise.\n\n"
          "Exit codes: 0 done, compatible or valid, 1 incompatible, invalid or (--verify)\n"
          "different, 2 usage or request error, 3 registry unreachable.\n", f);
}

int main(int argc, char **argv)
{
    sr_cli cli = {NULL};
    int i = 1, rc;

    json_set_alloc_funcs(sr_xmalloc, free); /* one out-of-memory policy: abort (buf.h) */
    while (i < argc && argv[i][0] == '-') {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return SR_EXIT_OK;
        }
        if (strcmp(argv[i], "--registry") == 0 && i + 1 < argc) {
            cli.registry = argv[i + 1];
            i += 2;
            continue;
        }
        fprintf(stderr, "sluice: unknown option '%s'\n\n", argv[i]);
        usage(stderr);
        return SR_EXIT_USAGE;
    }
    if (i >= argc) {
        usage(stderr);
        return SR_EXIT_USAGE;
    }
    for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++) {
        if (strcmp(argv[i], commands[k].name) != 0)
            continue;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            fputs("sluice: libcurl cannot be initialized\n", stderr);
            return SR_EXIT_USAGE;
        }
        rc = commands[k].fn(&cli, argc - i - 1, argv + i + 1);
        curl_global_cleanup();
        return rc;
    }
    fprintf(stderr, "sluice: unknown command '%s'\n\n", argv[i]);
    usage(stderr);
    return SR_EXIT_USAGE;
}
