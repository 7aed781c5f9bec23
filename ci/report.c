/* report.c -- renderings of a check's findings. */
#include "ci/report.h"
#include "common/buf.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

void sr_report_checked(sr_report *r, const char *file)
{
    sr_strlist_add(&r->checked, file);
}

void sr_report_finding(sr_report *r, const char *file, int line, int col, const char *message)
{
    r->findings = sr_xrealloc(r->findings, (r->nfindings + 1) * sizeof(*r->findings));
    r->findings[r->nfindings++] =
        (sr_report_item){sr_xstrdup(file), line, col, sr_xstrdup(message)};
}

void sr_report_dispose(sr_report *r)
{
    for (size_t i = 0; i < r->nfindings; i++) {
        free(r->findings[i].file);
        free(r->findings[i].message);
    }
    free(r->findings);
    sr_strlist_dispose(&r->checked);
    memset(r, 0, sizeof(*r));
}

int sr_report_format_known(const char *f)
{
    return !strcmp(f, "human") || !strcmp(f, "github") || !strcmp(f, "markdown") ||
           !strcmp(f, "junit") || !strcmp(f, "json");
}

/* GitHub's workflow-command escaping of an annotation message. */
static void github_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else
            fputc(*s, out);
    }
}

static void xml_escape(FILE *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default:
            if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
                fputc(*s, out); /* other control characters are not allowed in XML 1.0 */
        }
    }
}

static void markdown_cell(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else if (*s == '\n')
            fputc(' ', out);
        else
            fputc(*s, out);
    }
}

/* "line:column", or "-" for a finding without a position. */
static void position(FILE *out, const sr_report_item *f)
{
    if (f->line > 0)
        fprintf(out, "%d:%d", f->line, f->col);
    else
        fputc('-', out);
}

static void markdown(const sr_report *r, const char *against, FILE *out)
{
    fprintf(out, "### sluice: %s\n\n", r->nfindings ? "breaking schema changes" : "schemas compatible");
    fprintf(out, "%zu file%s checked against `%s`, %zu breaking change%s.\n", r->checked.n,
            r->checked.n == 1 ? "" : "s", against, r->nfindings, r->nfindings == 1 ? "" : "s");
    if (!r->nfindings)
        return;
    fputs("\n| File | Line | Change |\n|---|---|---|\n", out);
    for (size_t i = 0; i < r->nfindings; i++) {
        fputs("| `", out);
        markdown_cell(out, r->findings[i].file);
        fputs("` | ", out);
        position(out, &r->findings[i]);
        fputs(" | ", out);
        markdown_cell(out, r->findings[i].message);
        fputs(" |\n", out);
    }
}

static void junit(const sr_report *r, FILE *out)
{
    sr_strlist files = SR_STRLIST_INIT;

    for (size_t i = 0; i < r->checked.n; i++)
        sr_strlist_add(&files, r->checked.v[i]);
    for (size_t i = 0; i < r->nfindings; i++) { /* deleted files are findings, not checked */
        int seen = 0;
        for (size_t k = 0; k < files.n && !seen; k++)
            seen = strcmp(files.v[k], r->findings[i].file) == 0;
        if (!seen)
            sr_strlist_add(&files, r->findings[i].file);
    }
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", out);
    fprintf(out, "<testsuites tests=\"%zu\" failures=\"%zu\">\n", files.n, r->nfindings);
    fprintf(out, "  <testsuite name=\"sluice ci check\" tests=\"%zu\" failures=\"%zu\">\n", files.n,
            r->nfindings);
    for (size_t k = 0; k < files.n; k++) {
        fputs("    <testcase classname=\"schemas\" name=\"", out);
        xml_escape(out, files.v[k]);
        fputs("\">\n", out);
        for (size_t i = 0; i < r->nfindings; i++) {
            if (strcmp(r->findings[i].file, files.v[k]) != 0)
                continue;
            const sr_report_item *f = &r->findings[i];
            fputs("      <failure type=\"breaking\" message=\"", out);
            if (f->line > 0)
                fprintf(out, "line %d, column %d: ", f->line, f->col);
            xml_escape(out, f->message);
            fputs("\">", out);
            xml_escape(out, f->file);
            if (f->line > 0)
                fprintf(out, ":%d:%d", f->line, f->col);
            fputs(": ", out);
            xml_escape(out, f->message);
            fputs("</failure>\n", out);
        }
        fputs("    </testcase>\n", out);
    }
    fputs("  </testsuite>\n</testsuites>\n", out);
    sr_strlist_dispose(&files);
}

static void json_out(const sr_report *r, const char *against, FILE *out)
{
    json_t *checked = json_array(), *found = json_array(), *doc;
    char *text;

    for (size_t i = 0; i < r->checked.n; i++)
        json_array_append_new(checked, json_string(r->checked.v[i]));
    for (size_t i = 0; i < r->nfindings; i++) {
        const sr_report_item *f = &r->findings[i];
        json_array_append_new(found, json_pack("{s:s, s:o, s:o, s:s}", "file", f->file, "line",
                                               f->line > 0 ? json_integer(f->line) : json_null(),
                                               "column",
                                               f->line > 0 ? json_integer(f->col) : json_null(),
                                               "message", f->message));
    }
    doc = json_pack("{s:s, s:b, s:o, s:o}", "against", against, "compatible", r->nfindings == 0,
                    "checked", checked, "breaking", found);
    text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fprintf(out, "%s\n", text);
    free(text);
    json_decref(doc);
}

int sr_report_write(const sr_report *r, const char *format, const char *against, FILE *out)
{
    if (strcmp(format, "human") == 0) {
        for (size_t i = 0; i < r->nfindings; i++) {
            const sr_report_item *f = &r->findings[i];
            if (f->line > 0)
                fprintf(out, "%s:%d:%d: %s\n", f->file, f->line, f->col, f->message);
            else
                fprintf(out, "%s: %s\n", f->file, f->message);
        }
    } else if (strcmp(format, "github") == 0) {
        const char *summary = getenv("GITHUB_STEP_SUMMARY");
        for (size_t i = 0; i < r->nfindings; i++) {
            const sr_report_item *f = &r->findings[i];
            if (f->line > 0)
                fprintf(out, "::error file=%s,line=%d,col=%d::", f->file, f->line, f->col);
            else
                fprintf(out, "::error file=%s::", f->file);
            github_escape(out, r->findings[i].message);
            fputc('\n', out);
        }
        if (summary && *summary) {
            FILE *f = fopen(summary, "a");
            if (f) {
                markdown(r, against, f);
                fclose(f);
            }
        }
    } else if (strcmp(format, "markdown") == 0) {
        markdown(r, against, out);
    } else if (strcmp(format, "junit") == 0) {
        junit(r, out);
    } else if (strcmp(format, "json") == 0) {
        json_out(r, against, out);
    } else {
        return -1;
    }
    return 0;
}
