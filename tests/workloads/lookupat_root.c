/* lookupat_root: RFC 9 preferred pattern "KVS request and response" with an
 * out-of-band trigger that hands the reader the root to read at, broken and
 * kept.
 *
 *   lookupat_root MODE setup                       (rank 0)
 *   lookupat_root MODE reader                      (rank 0)
 *   lookupat_root MODE writer SETUP_VERSION        (rank 1)
 *
 * setup writes lar.value = "old" and prints the version it made.  The reader
 * subscribes to event lar.trigger and waits for it.  The writer, on a
 * follower rank, waits until its rank holds the setup's version, commits
 * lar.value = "new", takes a tree object for the root to read at and
 * publishes lar.trigger {"treeobj": T}.  The reader looks lar.value up at T
 * with flux_kvs_lookupat().
 *
 * violating (BREAKS "If out-of-band triggers are used, kvs_get_version()
 * SHOULD be used to retrieve the KVS version in which the data is ready"):
 * T comes from flux_kvs_commit_get_treeobj().  In flux-core 0.88 a follower
 * answers a commit before it applies the new root, so T is the root from
 * before the commit and the reader reads "old": a stale read, forced by
 * flux-core's follower, not by timing (a root is an immutable snapshot).
 *
 * compliant (KEEPS it): T comes from flux_kvs_getroot() after the commit
 * completed (the follower has applied the new root by then); the reader
 * reads "new".
 */
#include "workload.h"

enum mode { VIOLATING, COMPLIANT };

static int reader(flux_t *h, enum mode mode, const char *name) {
    flux_msg_t *msg;
    flux_future_t *f;
    const char *treeobj, *value;
    int stale, ok;
    wl_subscribe(h, "lar.trigger");
    wl_signal_ready();
    msg = wl_wait_event(h, "lar.trigger");
    if (flux_event_unpack(msg, NULL, "{s:s}", "treeobj", &treeobj) < 0)
        wl_die("lar.trigger payload");
    if (!(f = flux_kvs_lookupat(h, 0, "lar.value", treeobj)) ||
        flux_kvs_lookup_get(f, &value) < 0)
        wl_die("lookupat lar.value");
    stale = strcmp(value, "old") == 0;
    ok = stale == (mode == VIOLATING);
    printf("lookupat_root %s: reader read \"%s\" at the root it was sent%s\n", name,
           value,
           !ok     ? " (UNEXPECTED)"
           : stale ? " (stale)"
                   : " (fresh)");
    flux_future_destroy(f);
    flux_msg_destroy(msg);
    return ok ? 0 : 1;
}

/* The root the trigger hands over: the commit's own answer (the bug on a
 * follower), or the rank's root asked for after the commit. */
static char *root_after(flux_t *h, flux_future_t *commit, enum mode mode) {
    flux_future_t *f = NULL;
    const char *treeobj;
    char *copy;
    if (mode == VIOLATING) {
        if (flux_kvs_commit_get_treeobj(commit, &treeobj) < 0)
            wl_die("commit_get_treeobj");
    } else if (!(f = flux_kvs_getroot(h, NULL, 0)) ||
               flux_kvs_getroot_get_treeobj(f, &treeobj) < 0)
        wl_die("getroot");
    if (!(copy = strdup(treeobj)))
        wl_die("strdup");
    flux_future_destroy(f);
    return copy;
}

static int writer(flux_t *h, enum mode mode, const char *name, int setup_version) {
    flux_kvs_txn_t *txn = flux_kvs_txn_create();
    flux_future_t *f;
    char *treeobj;
    /* The commit's answer must name the root that holds "old". */
    if (flux_kvs_wait_version(h, NULL, setup_version) < 0)
        wl_die("wait_version %d", setup_version);
    if (!txn || flux_kvs_txn_put(txn, 0, "lar.value", "new") < 0)
        wl_die("txn put lar.value");
    if (!(f = flux_kvs_commit(h, NULL, 0, txn)) || flux_future_get(f, NULL) < 0)
        wl_die("commit lar.value");
    treeobj = root_after(h, f, mode);
    flux_future_destroy(f);
    if (!(f = flux_event_publish_pack(h, "lar.trigger", 0, "{s:s}", "treeobj",
                                      treeobj)) ||
        flux_future_get(f, NULL) < 0)
        wl_die("publish lar.trigger");
    printf("lookupat_root %s: writer wrote \"new\" and sent the root from %s\n", name,
           mode == VIOLATING ? "flux_kvs_commit_get_treeobj()" : "flux_kvs_getroot()");
    flux_future_destroy(f);
    flux_kvs_txn_destroy(txn);
    free(treeobj);
    return 0;
}

int main(int argc, char **argv) {
    static const char *const modes[] = {"violating", "compliant", NULL};
    static const char *const roles[] = {"setup", "reader", "writer", NULL};
    int mode = argc >= 3 ? wl_mode(argv[1], modes) : -1;
    int role = argc >= 3 ? wl_mode(argv[2], roles) : -1;
    flux_t *h;
    int rc = 0;
    wl_name = "lookupat_root";
    if (mode < 0 || role < 0 || (role == 2) != (argc == 4)) {
        fprintf(stderr,
                "usage: lookupat_root violating|compliant setup|reader\n"
                "       lookupat_root violating|compliant writer SETUP_VERSION\n");
        return 2;
    }
    h = wl_open();
    if (role == 0)
        printf("lookupat_root %s: setup wrote \"old\" at version %d\n", argv[1],
               wl_put(h, "lar.value", "old", 0));
    else if (role == 1)
        rc = reader(h, (enum mode)mode, argv[1]);
    else
        rc = writer(h, (enum mode)mode, argv[1], atoi(argv[3]));
    flux_close(h);
    return rc;
}
