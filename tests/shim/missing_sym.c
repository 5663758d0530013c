/* Linked against a libflux-core without flux_kvs_wait_version.  Under the shim
 * the name exists (the shim's wrapper), and calling it must fail with ENOSYS,
 * not abort; without the shim it does not exist at all.  Other calls go on.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "double.h"

int main(void) {
    flux_t *h = flux_open("loop://", 0);
    if (h == NULL) {
        perror("flux_open");
        return 1;
    }
    int (*wait_version)(flux_t *, const char *, int) =
        (int (*)(flux_t *, const char *, int))dlsym(RTLD_DEFAULT,
                                                    "flux_kvs_wait_version");
    if (wait_version == NULL) {
        printf("flux_kvs_wait_version: absent\n");
    } else {
        errno = 0;
        int rc = wait_version(h, NULL, 0);
        printf("flux_kvs_wait_version: rc=%d errno=%s\n", rc,
               errno == ENOSYS ? "ENOSYS" : strerror(errno));
    }
    int version = -1;
    int rc = flux_kvs_get_version(h, NULL, &version);
    printf("flux_kvs_get_version: rc=%d version=%d\n", rc, version);
    flux_close(h);
    return 0;
}
