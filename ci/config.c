/* config.c -- reading sluice.yaml with libyaml's document API. */
#include "ci/config.h"
#include "common/buf.h"
#include "compat/compat.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

static const char *scalar(yaml_document_t *doc, yaml_node_t *n)
{
    (void)doc;
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A scalar or a sequence of scalars, appended to `out`. */
static int strings(sr_strlist *out, yaml_document_t *doc, yaml_node_t *n, const char *key,
                   sr_err *err)
{
    if (n->type == YAML_SCALAR_NODE) {
        sr_strlist_add(out, scalar(doc, n));
        return 0;
    }
    if (n->type != YAML_SEQUENCE_NODE)
        return sr_err_set(err, 2, "sluice.yaml: %s must be a list of strings", key);
    for (yaml_node_item_t *i = n->data.sequence.items.start; i < n->data.sequence.items.top; i++) {
        const char *s = scalar(doc, yaml_document_get_node(doc, *i));
        if (!s)
            return sr_err_set(err, 2, "sluice.yaml: %s must be a list of strings", key);
        sr_strlist_add(out, s);
    }
    return 0;
}

static int apply(sr_ci_config *c, yaml_document_t *doc, const char *key, yaml_node_t *v,
                 sr_err *err)
{
    const char *s = scalar(doc, v);

    if (strcmp(key, "roots") == 0) {
        sr_strlist roots = SR_STRLIST_INIT;
        if (strings(&roots, doc, v, key, err) < 0) {
            sr_strlist_dispose(&roots);
            return -1;
        }
        for (size_t i = 0; i < roots.n; i++) {
            size_t len = strlen(roots.v[i]);
            if (len == 0 || strcmp(roots.v[i], ".") == 0)
                sr_strlist_add(&c->roots, "");
            else
                sr_strlist_addf(&c->roots, "%s%s", roots.v[i], roots.v[i][len - 1] == '/' ? "" : "/");
        }
        sr_strlist_dispose(&roots);
        return 0;
    }
    if (strcmp(key, "ignore") == 0)
        return strings(&c->ignore, doc, v, key, err);
    if (strcmp(key, "subjects") == 0) {
        if (s && strcmp(s, "path") == 0)
            c->mapping = SR_MAP_PATH;
        else if (s && strcmp(s, "message") == 0)
            c->mapping = SR_MAP_MESSAGE;
        else if (s && strcmp(s, "map") == 0)
            c->mapping = SR_MAP_EXPLICIT;
        else
            return sr_err_set(err, 2, "sluice.yaml: subjects is path, message or map");
        return 0;
    }
    if (strcmp(key, "subject_map") == 0) {
        if (v->type != YAML_MAPPING_NODE)
            return sr_err_set(err, 2, "sluice.yaml: subject_map maps file paths to subjects");
        for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
            const char *file = scalar(doc, yaml_document_get_node(doc, p->key));
            const char *subject = scalar(doc, yaml_document_get_node(doc, p->value));
            if (!file || !subject)
                return sr_err_set(err, 2, "sluice.yaml: subject_map maps file paths to subjects");
            sr_strlist_add(&c->map_files, file);
            sr_strlist_add(&c->map_subjects, subject);
        }
        return 0;
    }
    if (strcmp(key, "compatibility") == 0) {
        sr_compat_level level;
        if (s && sr_compat_level_parse(&level, s, err) == 0) {
            free(c->compatibility);
            c->compatibility = sr_xstrdup(sr_compat_level_name(level));
            return 0;
        }
        return sr_err_set(err, 2, "sluice.yaml: compatibility is one of NONE, BACKWARD, "
                          "BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE");
    }
    if (strcmp(key, "allow_deletions") == 0) {
        if (!s || (strcmp(s, "true") && strcmp(s, "false")))
            return sr_err_set(err, 2, "sluice.yaml: allow_deletions is true or false");
        c->allow_deletions = strcmp(s, "true") == 0;
        return 0;
    }
    return sr_err_set(err, 2, "sluice.yaml: unknown key '%s'", key);
}

int sr_ci_config_parse(sr_ci_config *c, const char *text, sr_err *err)
{
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_node_t *root;
    int rc = 0;

    memset(c, 0, sizeof(*c));
    if (!text)
        return 0;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, strlen(text));
    if (!yaml_parser_load(&parser, &doc)) {
        rc = sr_err_set(err, 2, "sluice.yaml:%zu:%zu: %s", parser.problem_mark.line + 1,
                        parser.problem_mark.column + 1, parser.problem ? parser.problem : "invalid YAML");
        yaml_parser_delete(&parser);
        return rc;
    }
    root = yaml_document_get_root_node(&doc);
    if (root && root->type != YAML_MAPPING_NODE) {
        rc = sr_err_set(err, 2, "sluice.yaml: expected a mapping of settings");
    } else if (root) {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
             rc == 0 && p < root->data.mapping.pairs.top; p++) {
            const char *key = scalar(&doc, yaml_document_get_node(&doc, p->key));
            rc = key ? apply(c, &doc, key, yaml_document_get_node(&doc, p->value), err)
                     : sr_err_set(err, 2, "sluice.yaml: keys must be strings");
        }
    }
    if (rc == 0 && c->mapping == SR_MAP_EXPLICIT && c->map_files.n == 0)
        rc = sr_err_set(err, 2, "sluice.yaml: subjects: map needs a subject_map");
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (rc < 0)
        sr_ci_config_dispose(c);
    return rc;
}

void sr_ci_config_dispose(sr_ci_config *c)
{
    sr_strlist_dispose(&c->roots);
    sr_strlist_dispose(&c->ignore);
    sr_strlist_dispose(&c->map_files);
    sr_strlist_dispose(&c->map_subjects);
    free(c->compatibility);
    memset(c, 0, sizeof(*c));
}

const char *sr_ci_config_relative(const sr_ci_config *c, const char *repo_path)
{
    const char *rel = NULL;

    if (c->roots.n == 0)
        rel = repo_path;
    for (size_t i = 0; i < c->roots.n && !rel; i++)
        if (strncmp(repo_path, c->roots.v[i], strlen(c->roots.v[i])) == 0)
            rel = repo_path + strlen(c->roots.v[i]);
    for (size_t i = 0; rel && i < c->ignore.n; i++)
        if (fnmatch(c->ignore.v[i], rel, 0) == 0)
            return NULL;
    return rel;
}
