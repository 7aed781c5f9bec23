/* report.h -- what `sluice ci check` found, and its renderings: for people, GitHub Actions
 * annotations (plus a Markdown summary to $GITHUB_STEP_SUMMARY), Markdown, JUnit XML, JSON. */
#ifndef SR_CI_REPORT_H
#define SR_CI_REPORT_H

#include <stdio.h>

#include "common/strlist.h"

typedef struct sr_report_item {
    char *file;    /* owned */
    int line, col; /* line 0: no position (the whole file) */
    char *message; /* owned */
} sr_report_item;

typedef struct sr_report {
    sr_strlist checked;   /* files checked, in order */
    sr_report_item *findings; /* breaking changes */
    size_t nfindings;
} sr_report;

void sr_report_checked(sr_report *r, const char *file);
void sr_report_finding(sr_report *r, const char *file, int line, int col, const char *message);
void sr_report_dispose(sr_report *r);

/* Render in `format`: "human", "github", "markdown", "junit" or "json". 0, or -1 for an unknown
 * format. "github" also appends the Markdown summary to the file named by GITHUB_STEP_SUMMARY,
 * when that variable is set. */
int sr_report_write(const sr_report *r, const char *format, const char *against, FILE *out);
int sr_report_format_known(const char *format);

#endif
