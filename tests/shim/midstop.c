/* Stops in the middle for the test to stop tracing:
 *   first-half lookup; "ready" to READY-FIFO; wait for a line on GO-FIFO;
 *   second-half lookup; exit 0.
 *
 *   midstop READY-FIFO GO-FIFO
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "double.h"

static void lookup(flux_t *h, const char *key) {
    flux_future_t *f = flux_kvs_lookup(h, NULL, 0, key);
    const char *value;
    if (f == NULL || flux_kvs_lookup_get(f, &value) == 0 || errno != ENOENT) {
        fprintf(stderr, "midstop: %s: %s\n", key, strerror(errno));
        exit(1);
    }
    flux_future_destroy(f);
    printf("%s done\n", key);
    fflush(stdout);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: midstop READY-FIFO GO-FIFO\n");
        return 2;
    }
    flux_t *h = flux_open("loop://", 0);
    if (h == NULL) {
        perror("flux_open");
        return 1;
    }
    lookup(h, "first-half");
    FILE *ready = fopen(argv[1], "w");
    if (ready == NULL || fputs("ready\n", ready) == EOF || fclose(ready) != 0) {
        perror(argv[1]);
        return 1;
    }
    char line[64];
    FILE *go = fopen(argv[2], "r");
    if (go == NULL || fgets(line, sizeof line, go) == NULL) {
        perror(argv[2]);
        return 1;
    }
    fclose(go);
    lookup(h, "second-half");
    flux_close(h);
    return 0;
}
