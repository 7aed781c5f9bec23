/* ui_assets.h -- the web UI's files, embedded at build time by scripts/embed_ui.sh (server/ui/
 * and the Debian packages' JavaScript it uses). */
#ifndef SR_SERVER_UI_ASSETS_H
#define SR_SERVER_UI_ASSETS_H

#include <stddef.h>

typedef struct sr_ui_asset {
    const char *name;          /* "app.js"; NULL ends the table */
    const char *type;          /* its media type */
    const unsigned char *data; /* its bytes */
    size_t len;
    const unsigned char *gz;   /* the same, gzip -9 */
    size_t gzlen;
    const char *etag;          /* a strong ETag, quoted: a digest of the bytes */
} sr_ui_asset;

extern const sr_ui_asset sr_ui_assets[];

#endif
