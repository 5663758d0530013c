/* missing_version_wait: RFC 9 preferred pattern "KVS request and response"
 * with an out-of-band trigger, broken and kept.
 *
 *   missing_version_wait MODE setup                (rank 0)
 *   missing_version_wait MODE writer               (rank 0)
 *   missing_version_wait MODE reader SETUP_VERSION (rank 1)
 *
 * setup writes mvw.value = "old" and prints the version it made.  The reader
 * waits for that version on its rank, then pauses the processing of setroot
 * events by its rank's kvs module (the kvs.setroot-pause test hook that
 * flux-core's own test suite uses to force a stale cache), subscribes to
 * event mvw.trigger and publishes mvw.ready.  The writer, subscribed to
 * mvw.ready before the reader started, commits mvw.value = "new", takes the
 * version that commit made, and publishes mvw.trigger {"version": V}.  The
 * reader's event handler stores V and stops the reactor; the rest happens in
 * main, outside any callback.
 *
 * violating (BREAKS "If out-of-band triggers are used, kvs_get_version()
 * SHOULD be used to retrieve the KVS version in which the data is ready, and
 * kvs_wait_version() SHOULD be used by the client to wait for consistency"):
 * the reader looks mvw.value up right away and reads "old": a stale read,
 * forced by the pause, not by timing.  It then unpauses.
 *
 * compliant (KEEPS it): the reader unpauses, calls flux_kvs_wait_version(V),
 * then looks mvw.value up and reads "new".
 *
 * shortwait (BREAKS it too, subtly): the writer publishes the version it read
 * BEFORE its commit; the reader does call flux_kvs_wait_version on it, which
 * returns at once (its rank already holds that version), and reads "old":
 * a wait for a version older than the one holding the write is no wait.
 */
#include "workload.h"

static char *lookup(flux_t *h, const char *key) {
    flux_future_t *f;
    const char *value;
    char *copy;
    if (!(f = flux_kvs_lookup(h, NULL, 0, key)) || flux_kvs_lookup_get(f, &value) < 0)
        wl_die("lookup %s", key);
    if (!(copy = strdup(value)))
        wl_die("strdup");
    flux_future_destroy(f);
    return copy;
}

/* kvs.setroot-pause / -unpause of the primary namespace, to this rank's kvs. */
static void setroot(flux_t *h, const char *topic) {
    flux_future_t *f =
        flux_rpc_pack(h, topic, FLUX_NODEID_ANY, 0, "{s:s}", "namespace", "primary");
    if (!f || flux_rpc_get(f, NULL) < 0)
        wl_die("%s", topic);
    flux_future_destroy(f);
}

static void trigger_cb(flux_t *h, flux_msg_handler_t *mh, const flux_msg_t *msg,
                       void *arg) {
    int *version = arg;
    (void)mh;
    if (flux_event_unpack(msg, NULL, "{s:i}", "version", version) < 0)
        wl_die("mvw.trigger payload");
    flux_reactor_stop(flux_get_reactor(h));
}

enum mode { VIOLATING, COMPLIANT, SHORTWAIT };

static int reader(flux_t *h, enum mode mode, int setup_version) {
    struct flux_match match = FLUX_MATCH_EVENT;
    flux_msg_handler_t *mh;
    int version = -1, ok;
    char *value;
    /* This rank must hold "old" before its cache is frozen. */
    if (flux_kvs_wait_version(h, NULL, setup_version) < 0)
        wl_die("wait_version %d", setup_version);
    setroot(h, "kvs.setroot-pause");
    match.topic_glob = "mvw.trigger";
    if (!(mh = flux_msg_handler_create(h, match, trigger_cb, &version)))
        wl_die("msg_handler_create");
    flux_msg_handler_start(mh);
    wl_subscribe(h, "mvw.trigger");
    wl_publish(h, "mvw.ready", NULL);
    if (flux_reactor_run(flux_get_reactor(h), 0) < 0)
        wl_die("reactor");
    if (mode == SHORTWAIT) {
        /* Its rank holds this version already: the wait returns at once. */
        if (flux_kvs_wait_version(h, NULL, version) < 0)
            wl_die("wait_version %d", version);
        value = lookup(h, "mvw.value");
        ok = strcmp(value, "old") == 0;
        printf("missing_version_wait shortwait: reader waited for version %d and read "
               "\"%s\"%s\n",
               version, value, ok ? " (stale)" : " (UNEXPECTED: not stale)");
        setroot(h, "kvs.setroot-unpause");
    } else if (mode == COMPLIANT) {
        setroot(h, "kvs.setroot-unpause");
        if (flux_kvs_wait_version(h, NULL, version) < 0)
            wl_die("wait_version %d", version);
        value = lookup(h, "mvw.value");
        ok = strcmp(value, "new") == 0;
        printf("missing_version_wait compliant: reader waited for version %d and read "
               "\"%s\"%s\n",
               version, value, ok ? " (fresh)" : " (UNEXPECTED)");
    } else {
        value = lookup(h, "mvw.value");
        ok = strcmp(value, "old") == 0;
        printf("missing_version_wait violating: reader read \"%s\" after the trigger "
               "for version %d%s\n",
               value, version, ok ? " (stale)" : " (UNEXPECTED: not stale)");
        setroot(h, "kvs.setroot-unpause");
    }
    free(value);
    flux_msg_handler_destroy(mh);
    return ok ? 0 : 1;
}

static int writer(flux_t *h, enum mode mode, const char *name) {
    flux_msg_t *msg;
    char payload[64];
    int seq, version;
    wl_subscribe(h, "mvw.ready");
    wl_signal_ready();
    msg = wl_wait_event(h, "mvw.ready");
    flux_msg_destroy(msg);
    if (mode == SHORTWAIT) {
        /* The bug: the version read before the commit, not the one it made. */
        if (flux_kvs_get_version(h, NULL, &version) < 0)
            wl_die("get_version");
        wl_put(h, "mvw.value", "new", 0);
    } else {
        seq = wl_put(h, "mvw.value", "new", 0);
        /* On rank 0 both agree; a follower's commit sequence can be one less. */
        if (flux_kvs_get_version(h, NULL, &version) < 0)
            wl_die("get_version");
        if (seq > version)
            version = seq;
    }
    snprintf(payload, sizeof payload, "{\"version\":%d}", version);
    wl_publish(h, "mvw.trigger", payload);
    printf("missing_version_wait %s: writer wrote \"new\" and published the trigger "
           "for version %d\n",
           name, version);
    return 0;
}

int main(int argc, char **argv) {
    static const char *const modes[] = {"violating", "compliant", "shortwait", NULL};
    static const char *const roles[] = {"setup", "writer", "reader", NULL};
    int mode = argc >= 3 ? wl_mode(argv[1], modes) : -1;
    int role = argc >= 3 ? wl_mode(argv[2], roles) : -1;
    flux_t *h;
    int rc = 0;
    wl_name = "missing_version_wait";
    if (mode < 0 || role < 0 || (role == 2) != (argc == 4)) {
        fprintf(stderr,
                "usage: missing_version_wait violating|compliant|shortwait setup|writer\n"
                "       missing_version_wait violating|compliant|shortwait reader "
                "SETUP_VERSION\n");
        return 2;
    }
    h = wl_open();
    if (role == 0) {
        int seq = wl_put(h, "mvw.value", "old", 0);
        printf("missing_version_wait %s: setup wrote \"old\" at version %d\n", argv[1],
               seq);
    } else if (role == 1)
        rc = writer(h, (enum mode)mode, argv[1]);
    else
        rc = reader(h, (enum mode)mode, atoi(argv[3]));
    flux_close(h);
    return rc;
}
