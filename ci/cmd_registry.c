/* cmd_registry.c -- the everyday client commands: list, show, register, check, config, mode.
 * Each builds one request, sends it, and prints the answer for people; errors print the
 * registry's error code and message. */
#include "ci/commands.h"
#include "common/buf.h"
#include "common/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Send one request; on an answer, 0 with *out. Maps failures to exit codes. */
static int call(json_t **out, int *status, sr_cli *cli, const char *method, const char *path,
                const json_t *body)
{
    sr_client c;
    SR_ERR_LOCAL(err);
    int rc;

    if (sr_client_init(&c, cli->registry, &err) < 0) {
        fprintf(stderr, "sluice: %s\n", sr_err_message(&err));
        return SR_EXIT_USAGE;
    }
    rc = sr_client_request(out, status, &c, method, path, body, &err);
    sr_client_dispose(&c);
    if (rc < 0) {
        fprintf(stderr, "sluice: %s\n", sr_err_message(&err));
        return err.code ? SR_EXIT_USAGE : SR_EXIT_UNREACHABLE;
    }
    return SR_EXIT_OK;
}

/* An error answer: print it, and say which exit code it means. */
static int report_error(const json_t *j, int status)
{
    json_t *code = json_object_get(j, "error_code"), *msg = json_object_get(j, "message");

    fprintf(stderr, "sluice: registry answered %d: %s%s%lld%s\n", status,
            json_string_value(msg) ? json_string_value(msg) : "(no message)",
            code ? " (error " : "", code ? (long long)json_integer_value(code) : 0LL,
            code ? ")" : "");
    return json_integer_value(code) == 409 || json_integer_value(code) == 40901 ? SR_EXIT_BREAKING
                                                                              : SR_EXIT_USAGE;
}

/* GET `path` and print each element of the array answer on a line. */
static int list(sr_cli *cli, const char *path)
{
    json_t *j = NULL, *e;
    int status = 0, rc = call(&j, &status, cli, "GET", path, NULL);
    size_t i;

    if (rc != SR_EXIT_OK)
        return rc;
    if (status != 200) {
        rc = report_error(j, status);
    } else {
        json_array_foreach(j, i, e) {
            if (json_is_string(e))
                puts(json_string_value(e));
            else
                printf("%lld\n", (long long)json_integer_value(e));
        }
    }
    json_decref(j);
    return rc;
}

int sr_cmd_subjects(sr_cli *cli, int argc, char **argv)
{
    (void)argv;
    if (argc != 0) {
        fputs("usage: sluice subjects\n", stderr);
        return SR_EXIT_USAGE;
    }
    return list(cli, "/subjects");
}

int sr_cmd_versions(sr_cli *cli, int argc, char **argv)
{
    char *path = NULL, *s;
    int rc;

    if (argc != 1) {
        fputs("usage: sluice versions SUBJECT\n", stderr);
        return SR_EXIT_USAGE;
    }
    s = sr_client_escape(argv[0]);
    rc = asprintf(&path, "/subjects/%s/versions", s) < 0 ? SR_EXIT_USAGE : list(cli, path);
    free(s);
    free(path);
    return rc;
}

int sr_cmd_show(sr_cli *cli, int argc, char **argv)
{
    json_t *j = NULL;
    char *path = NULL, *s = NULL;
    int status = 0, rc;

    if (argc == 2 && strcmp(argv[0], "--id") == 0) {
        s = sr_client_escape(argv[1]);
        rc = asprintf(&path, "/schemas/ids/%s", s);
    } else if (argc == 1 || argc == 2) {
        s = sr_client_escape(argv[0]);
        rc = asprintf(&path, "/subjects/%s/versions/%s", s, argc == 2 ? argv[1] : "latest");
    } else {
        fputs("usage: sluice show SUBJECT [VERSION] | sluice show --id ID\n", stderr);
        return SR_EXIT_USAGE;
    }
    free(s);
    if (rc < 0)
        return SR_EXIT_USAGE;
    rc = call(&j, &status, cli, "GET", path, NULL);
    free(path);
    if (rc != SR_EXIT_OK)
        return rc;
    if (status != 200) {
        rc = report_error(j, status);
    } else {
        json_t *v = json_object_get(j, "version"), *id = json_object_get(j, "id");
        const char *type = json_string_value(json_object_get(j, "schemaType"));
        if (v) /* a subject version */
            printf("# %s version %lld id %lld %s\n", argv[0], (long long)json_integer_value(v),
                   (long long)json_integer_value(id), type ? type : "AVRO");
        else /* by id */
            printf("# id %s %s\n", argv[1], type ? type : "AVRO");
        const char *text = json_string_value(json_object_get(j, "schema"));
        puts(text ? text : "");
    }
    json_decref(j);
    return rc;
}

static const char *type_of(const char *file)
{
    const char *dot = strrchr(file, '.');

    if (dot && strcmp(dot, ".proto") == 0)
        return "PROTOBUF";
    if (dot && strcmp(dot, ".json") == 0)
        return "JSON";
    return "AVRO";
}

/* SUBJECT FILE [--type T] [--ref NAME=SUBJECT:VERSION]... into a RegisterRequest body. */
static int schema_body(json_t **out, int argc, char **argv, const char *cmd)
{
    const char *type;
    json_t *refs = json_array();
    char *text;

    if (argc < 2) {
        fprintf(stderr, "usage: sluice %s SUBJECT FILE [--type T] [--ref NAME=SUBJECT:VERSION]...\n",
                cmd);
        json_decref(refs);
        return SR_EXIT_USAGE;
    }
    type = type_of(argv[1]);
    for (int i = 2; i < argc; i += 2) {
        const char *eq, *colon;
        if (i + 1 >= argc || (strcmp(argv[i], "--type") && strcmp(argv[i], "--ref"))) {
            fprintf(stderr, "sluice %s: unexpected '%s'\n", cmd, argv[i]);
            json_decref(refs);
            return SR_EXIT_USAGE;
        }
        if (strcmp(argv[i], "--type") == 0) {
            type = argv[i + 1];
            continue;
        }
        eq = strchr(argv[i + 1], '=');
        colon = eq ? strrchr(eq, ':') : NULL;
        if (!eq || !colon) {
            fprintf(stderr, "sluice %s: --ref takes NAME=SUBJECT:VERSION, not '%s'\n", cmd,
                    argv[i + 1]);
            json_decref(refs);
            return SR_EXIT_USAGE;
        }
        json_array_append_new(refs, json_pack("{s:s%, s:s%, s:i}", "name", argv[i + 1],
                                              (size_t)(eq - argv[i + 1]), "subject", eq + 1,
                                              (size_t)(colon - eq - 1), "version",
                                              atoi(colon + 1)));
    }
    if (!(text = sr_file_read(argv[1]))) {
        fprintf(stderr, "sluice %s: cannot read %s\n", cmd, argv[1]);
        json_decref(refs);
        return SR_EXIT_USAGE;
    }
    *out = json_pack("{s:s, s:s, s:o}", "schema", text, "schemaType", type, "references", refs);
    free(text);
    return SR_EXIT_OK;
}

int sr_cmd_register(sr_cli *cli, int argc, char **argv)
{
    json_t *body = NULL, *j = NULL;
    char *path = NULL, *s;
    int status = 0, rc = schema_body(&body, argc, argv, "register");

    if (rc != SR_EXIT_OK)
        return rc;
    s = sr_client_escape(argv[0]);
    if (asprintf(&path, "/subjects/%s/versions", s) >= 0)
        rc = call(&j, &status, cli, "POST", path, body);
    if (rc == SR_EXIT_OK && status != 200)
        rc = report_error(j, status);
    else if (rc == SR_EXIT_OK)
        printf("%s version %lld id %lld\n", argv[0],
               (long long)json_integer_value(json_object_get(j, "version")),
               (long long)json_integer_value(json_object_get(j, "id")));
    json_decref(j);
    json_decref(body);
    free(path);
    free(s);
    return rc;
}

int sr_cmd_check(sr_cli *cli, int argc, char **argv)
{
    json_t *body = NULL, *j = NULL, *m;
    char *path = NULL, *s;
    int status = 0, rc = schema_body(&body, argc, argv, "check");
    size_t i;

    if (rc != SR_EXIT_OK)
        return rc;
    s = sr_client_escape(argv[0]);
    if (asprintf(&path, "/compatibility/subjects/%s/versions?verbose=true", s) >= 0)
        rc = call(&j, &status, cli, "POST", path, body);
    if (rc == SR_EXIT_OK && status != 200) {
        rc = report_error(j, status);
    } else if (rc == SR_EXIT_OK) {
        int ok = json_is_true(json_object_get(j, "is_compatible"));
        printf("%s: %s\n", argv[1], ok ? "compatible" : "INCOMPATIBLE");
        json_array_foreach(json_object_get(j, "messages"), i, m)
            printf("  %s\n", json_string_value(m));
        rc = ok ? SR_EXIT_OK : SR_EXIT_BREAKING;
    }
    json_decref(j);
    json_decref(body);
    free(path);
    free(s);
    return rc;
}

/* config/mode: GET the scope, or PUT a new value. */
static int setting(sr_cli *cli, int argc, char **argv, const char *what, const char *put_key,
                   const char *get_key)
{
    json_t *j = NULL, *body = NULL;
    char *path = NULL, *s = NULL;
    int status = 0, rc;

    if (argc > 2) {
        fprintf(stderr, "usage: sluice %s [SUBJECT] [VALUE]\n", what);
        return SR_EXIT_USAGE;
    }
    if (argc >= 1) {
        s = sr_client_escape(argv[0]);
        rc = asprintf(&path, "/%s/%s%s", what, s, argc == 1 ? "?defaultToGlobal=true" : "");
    } else {
        rc = asprintf(&path, "/%s", what);
    }
    free(s);
    if (rc < 0)
        return SR_EXIT_USAGE;
    if (argc == 2)
        body = json_pack("{s:s}", put_key, argv[1]);
    rc = call(&j, &status, cli, argc == 2 ? "PUT" : "GET", path, body);
    free(path);
    json_decref(body);
    if (rc != SR_EXIT_OK)
        return rc;
    if (status != 200)
        rc = report_error(j, status);
    else
        puts(json_string_value(json_object_get(j, argc == 2 ? put_key : get_key))
                 ? json_string_value(json_object_get(j, argc == 2 ? put_key : get_key))
                 : "");
    json_decref(j);
    return rc;
}

int sr_cmd_config(sr_cli *cli, int argc, char **argv)
{
    return setting(cli, argc, argv, "config", "compatibility", "compatibilityLevel");
}

int sr_cmd_mode(sr_cli *cli, int argc, char **argv)
{
    return setting(cli, argc, argv, "mode", "mode", "mode");
}

/* `validate SUBJECT FILE [--version V] [--message NAME]` / `validate --id ID FILE`: the registry's
 * payload validation (POST /sluice/v1/.../validate); each violation on a line as FILE:POINTER. */
int sr_cmd_validate(sr_cli *cli, int argc, char **argv)
{
    const char *subject = NULL, *id = NULL, *file = NULL, *version = "latest", *message = NULL;
    json_t *doc = NULL, *j = NULL, *e;
    json_error_t jerr;
    sr_buf path = SR_BUF_INIT;
    char *s;
    size_t i;
    int status = 0, rc;

    for (int k = 0; k < argc; k++) {
        if (!strcmp(argv[k], "--id") && k + 1 < argc)
            id = argv[++k];
        else if (!strcmp(argv[k], "--version") && k + 1 < argc)
            version = argv[++k];
        else if (!strcmp(argv[k], "--message") && k + 1 < argc)
            message = argv[++k];
        else if (!subject && !id && argv[k][0] != '-')
            subject = argv[k];
        else if (!file && argv[k][0] != '-')
            file = argv[k];
        else
            file = NULL, k = argc;
    }
    if (id && subject && !file) { /* validate --id ID FILE: the first free word is the file */
        file = subject;
        subject = NULL;
    }
    if ((!subject && !id) || !file) {
        fputs("usage: sluice validate SUBJECT FILE [--version V] [--message NAME]\n"
              "       sluice validate --id ID FILE [--message NAME]\n", stderr);
        return SR_EXIT_USAGE;
    }
    if (!(doc = json_load_file(file, JSON_DECODE_ANY, &jerr))) {
        fprintf(stderr, "sluice: %s:%d:%d: %s\n", file, jerr.line, jerr.column, jerr.text);
        return SR_EXIT_USAGE;
    }
    s = sr_client_escape(id ? id : subject);
    if (id)
        sr_buf_printf(&path, "/sluice/v1/schemas/ids/%s/validate", s);
    else
        sr_buf_printf(&path, "/sluice/v1/subjects/%s/versions/%s/validate", s, version);
    free(s);
    if (message) {
        s = sr_client_escape(message);
        sr_buf_printf(&path, "?message=%s", s);
        free(s);
    }
    rc = call(&j, &status, cli, "POST", path.ptr, doc);
    sr_buf_dispose(&path);
    json_decref(doc);
    if (rc != SR_EXIT_OK)
        return rc;
    if (status != 200) {
        rc = report_error(j, status);
    } else if (json_is_true(json_object_get(j, "valid"))) {
        printf("%s: valid against schema id %lld\n", file,
               (long long)json_integer_value(json_object_get(j, "id")));
    } else {
        json_array_foreach(json_object_get(j, "violations"), i, e)
            printf("%s:#%s: %s\n", file, json_string_value(json_object_get(e, "pointer")),
                   json_string_value(json_object_get(e, "message")));
        rc = SR_EXIT_BREAKING;
    }
    json_decref(j);
    return rc;
}
