/* An executable with its own flux_send, which it calls, and which
 * libflux-core's internal calls reach too (the executable comes first in the
 * global scope, before any preload): the program must behave the same with the
 * shim as without.  Its flux_send counts, then forwards to the next one.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

#include "double.h"

static int calls;

int flux_send(flux_t *h, const flux_msg_t *msg, int flags) {
    static int (*next)(flux_t *, const flux_msg_t *, int);
    calls++;
    if (next == NULL && (next = dlsym(RTLD_NEXT, "flux_send")) == NULL) {
        fprintf(stderr, "own_send: no next flux_send\n");
        exit(1);
    }
    return next(h, msg, flags);
}

int main(void) {
    flux_t *h = flux_open("loop://", 0);
    if (h == NULL) {
        perror("flux_open");
        return 1;
    }
    flux_future_t *f = flux_rpc(h, "test.echo", "own-send", FLUX_NODEID_ANY, 0);
    const char *s;
    if (f == NULL || flux_rpc_get(f, &s) < 0) {
        perror("flux_rpc");
        return 1;
    }
    printf("echo: %s\n", s);
    flux_future_destroy(f);

    flux_msg_t *msg = flux_msg_create(FLUX_MSGTYPE_REQUEST);
    flux_msg_set_topic(msg, "test.echo");
    flux_msg_set_string(msg, "direct");
    if (flux_send(h, msg, 0) < 0) {
        perror("flux_send");
        return 1;
    }
    flux_msg_destroy(msg);
    flux_msg_t *rsp = flux_recv(h, FLUX_MATCH_RESPONSE, 0);
    if (rsp == NULL || flux_msg_get_string(rsp, &s) < 0) {
        perror("flux_recv");
        return 1;
    }
    printf("direct: %s\n", s);
    flux_msg_destroy(rsp);
    printf("own flux_send called %d times\n", calls);
    flux_close(h);
    return 0;
}
