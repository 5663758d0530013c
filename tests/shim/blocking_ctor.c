/* A library whose constructor blocks until told to go (life fork-resolving):
 * while it runs, the thread that dlopen'ed it holds the dynamic loader's lock,
 * so another thread's dlsym waits for it.  FT_BLOCKING_CTOR_FDS="ENTERED GO":
 * it writes a byte to ENTERED, then reads one from GO. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((constructor)) static void block_until_go(void) {
    const char *fds = getenv("FT_BLOCKING_CTOR_FDS");
    int entered, go;
    char byte = 'e';
    if (fds == NULL || sscanf(fds, "%d %d", &entered, &go) != 2)
        return;
    if (write(entered, &byte, 1) != 1 || read(go, &byte, 1) != 1)
        abort();
}
