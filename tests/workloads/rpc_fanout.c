/* rpc_fanout: RFC 9 guideline "For global notifications, prefer events",
 * broken and kept.
 *
 *   rpc_fanout violating|compliant service   (one on each rank 0..3)
 *   rpc_fanout violating|compliant notifier  (rank 0)
 *
 * violating (BREAKS it): every service registers service "ftfan" on its rank
 * (flux_service_register) and handles request ftfan.notify; the notifier
 * notifies all of them by sending ftfan.notify to ranks 0..3 one by one
 * (flux_rpc with nodeid = rank, FLUX_RPC_NORESPONSE).
 *
 * compliant (KEEPS it): every service subscribes to event ftfan.notify; the
 * notifier publishes it once.
 *
 * Each service exits after its notification.  Ordering: the notifier
 * subscribes to ftfan.ready before the services start; each service publishes
 * ftfan.ready once its service or subscription is in place; the notifier
 * notifies after it received four of them.
 */
#include "workload.h"

#define NRANKS 4

static void notify_cb(flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                      void *arg) {
    int *got = arg;
    (void)mh, (void)msg;
    *got = 1;
    flux_reactor_stop(flux_get_reactor(h));
}

static int service(flux_t *h, int compliant) {
    struct flux_match match = compliant ? FLUX_MATCH_EVENT : FLUX_MATCH_REQUEST;
    flux_msg_handler_t *mh;
    uint32_t rank;
    char payload[32];
    int got = 0;
    if (flux_get_rank(h, &rank) < 0)
        wl_die("get_rank");
    match.topic_glob = "ftfan.notify";
    if (!(mh = flux_msg_handler_create(h, match, notify_cb, &got)))
        wl_die("msg_handler_create");
    flux_msg_handler_start(mh);
    if (compliant)
        wl_subscribe(h, "ftfan.notify");
    else {
        flux_future_t *f = flux_service_register(h, "ftfan");
        if (!f || flux_future_get(f, NULL) < 0)
            wl_die("service_register ftfan");
        flux_future_destroy(f);
    }
    snprintf(payload, sizeof payload, "{\"rank\":%u}", rank);
    wl_publish(h, "ftfan.ready", payload);
    if (flux_reactor_run(flux_get_reactor(h), 0) < 0)
        wl_die("reactor");
    printf("rpc_fanout %s: service on rank %u got its notification as %s\n",
           compliant ? "compliant" : "violating", rank,
           compliant ? "an event" : "a request");
    flux_msg_handler_destroy(mh);
    return got ? 0 : 1;
}

static int notifier(flux_t *h, int compliant) {
    wl_subscribe(h, "ftfan.ready");
    wl_signal_ready();
    for (int i = 0; i < NRANKS; i++)
        flux_msg_destroy(wl_wait_event(h, "ftfan.ready"));
    if (compliant)
        wl_publish(h, "ftfan.notify", NULL);
    else {
        for (uint32_t rank = 0; rank < NRANKS; rank++) {
            flux_future_t *f =
                flux_rpc(h, "ftfan.notify", NULL, rank, FLUX_RPC_NORESPONSE);
            if (!f)
                wl_die("ftfan.notify to rank %u", rank);
            flux_future_destroy(f);
        }
    }
    printf("rpc_fanout %s: notifier notified %d services with %s\n",
           compliant ? "compliant" : "violating", NRANKS,
           compliant ? "one event" : "one request per rank");
    return 0;
}

int main(int argc, char **argv) {
    static const char *const modes[] = {"violating", "compliant", NULL};
    static const char *const roles[] = {"service", "notifier", NULL};
    int mode = argc == 3 ? wl_mode(argv[1], modes) : -1;
    int role = argc == 3 ? wl_mode(argv[2], roles) : -1;
    flux_t *h;
    int rc;
    wl_name = "rpc_fanout";
    if (mode < 0 || role < 0) {
        fprintf(stderr, "usage: rpc_fanout violating|compliant service|notifier\n");
        return 2;
    }
    h = wl_open();
    rc = role == 0 ? service(h, mode == 1) : notifier(h, mode == 1);
    flux_close(h);
    return rc;
}
