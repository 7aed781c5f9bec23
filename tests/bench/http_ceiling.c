/* http_ceiling.c -- the ceiling of the HTTP layer: a minimal libmicrohttpd server, set up as
 * sluiced sets up its daemon (internal thread pool over epoll, keep-alive, paths left undecoded),
 * that answers every request with the same bytes, those of a GET /schemas/ids/{id} answer. What
 * it serves per second is what the machine and libmicrohttpd allow; sluiced's figure is printed as
 * a fraction of it (tests/bench/http_bench.sh).
 *
 *   http_ceiling PORT BODY_FILE [THREADS]     serves on 127.0.0.1:PORT until SIGTERM or SIGINT
 *
 * Like sluiced, it answers from the second call of the access handler: answering in the first
 * makes libmicrohttpd close the connection after the response. */
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *body;
static size_t body_len;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *upload_data,
                              size_t *upload_data_size, void **con_cls)
{
    static int first_call_marker;
    struct MHD_Response *r;
    enum MHD_Result ok;
    (void)cls, (void)url, (void)method, (void)version, (void)upload_data;

    if (!*con_cls) {
        *con_cls = &first_call_marker;
        return MHD_YES;
    }
    if (*upload_data_size) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    r = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_PERSISTENT);
    if (!r)
        return MHD_NO;
    ok = MHD_add_response_header(r, "Content-Type", "application/vnd.schemaregistry.v1+json");
    if (ok == MHD_YES)
        ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

static size_t no_unescape(void *cls, struct MHD_Connection *c, char *s)
{
    (void)cls, (void)c;
    return strlen(s);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (p = malloc((size_t)n + 1)) && fread(p, 1, (size_t)n, f) == (size_t)n) {
        p[n] = '\0';
        *len = (size_t)n;
    } else {
        free(p);
        p = NULL;
    }
    fclose(f);
    return p;
}

int main(int argc, char **argv)
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    struct MHD_Daemon *d;
    unsigned threads = argc > 3 ? (unsigned)atoi(argv[3]) : 8;
    sigset_t sigs;
    int sig;

    if (argc < 3) {
        fprintf(stderr, "usage: http_ceiling PORT BODY_FILE [THREADS]\n");
        return 2;
    }
    if (!(body = read_file(argv[2], &body_len))) {
        perror(argv[2]);
        return 1;
    }
    addr.sin_port = htons((unsigned short)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, 0, NULL,
                         NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE, threads,
                         MHD_OPTION_UNESCAPE_CALLBACK, no_unescape, NULL,
                         MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                         MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
                         MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "http_ceiling: cannot listen on 127.0.0.1:%s\n", argv[1]);
        free(body);
        return 1;
    }
    while (sigwait(&sigs, &sig) != 0)
        ;
    MHD_stop_daemon(d);
    free(body);
    return 0;
}
