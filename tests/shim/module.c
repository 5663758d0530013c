/* A "module" loaded with dlopen by life.c, making its own flux calls. */
#include <errno.h>

#include "double.h"

int module_run(void) {
    flux_t *h = flux_open("loop://", 0);
    if (h == NULL)
        return -1;
    flux_future_t *f = flux_kvs_lookup(h, NULL, 0, "module-key");
    const char *value;
    int rc = f != NULL && flux_kvs_lookup_get(f, &value) < 0 && errno == ENOENT ? 0 : -1;
    flux_future_destroy(f);
    flux_close(h);
    return rc;
}
