/* config.h -- sluice.yaml at the repository root: where the .proto files are and how they map
 * to subjects. Absent file: the repository root is the one proto root and each file is the
 * subject named by its path from it, as Confluent's serializers name imported files. */
#ifndef SR_CI_CONFIG_H
#define SR_CI_CONFIG_H

#include "common/err.h"
#include "common/strlist.h"

typedef enum sr_subject_mapping { SR_MAP_PATH, SR_MAP_MESSAGE, SR_MAP_EXPLICIT } sr_subject_mapping;

typedef struct sr_ci_config {
    sr_strlist roots;            /* "proto/", ... (with a trailing slash); empty = the root */
    sr_strlist ignore;           /* fnmatch patterns on paths from a root; '*' spans '/' */
    sr_subject_mapping mapping;  /* subjects: path | message | map */
    sr_strlist map_files;        /* subject_map keys: file paths from a root */
    sr_strlist map_subjects;     /* and their subjects */
    char *compatibility;         /* level set on a subject when first registered, or NULL */
    int allow_deletions;         /* deleting a registered file is not breaking */
} sr_ci_config;

/* Parse YAML `text` (the content of sluice.yaml; NULL = no file, the defaults). 0, or -1 with
 * err (code 2) naming the problem. */
int sr_ci_config_parse(sr_ci_config *c, const char *text, sr_err *err);
void sr_ci_config_dispose(sr_ci_config *c);

/* The path of `repo_path` from its proto root, or NULL when it is outside every root or
 * ignored. Borrowed from repo_path. */
const char *sr_ci_config_relative(const sr_ci_config *c, const char *repo_path);

#endif
