/* Descriptors: once the provider is loaded, close() and fclose() go through
 * lttng-ust's guard, as liblttng-ust-fd.so would do, so that a program closing
 * every descriptor (flux's libsubprocess does so between fork and exec, and a
 * fork child's tracer has just been restarted) does not close the tracer's
 * sockets and shared memory: lttng-ust then aborted in the child
 * (counter/shm.c assertion), killing 1 in 8 of flux-shell's tasks.  In a
 * process that never loaded the provider both are the real functions. */
#include "shim.h"

#include <stdio.h>
#include <unistd.h>

int close(int fd) {
    __typeof__(&close) real = FT_REAL(close);
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    if (o == NULL || ft_guard)
        return real(fd);
    return o->safe_close(fd, real);
}

int fclose(FILE *stream) {
    __typeof__(&fclose) real = FT_REAL(fclose);
    if (real == NULL) {
        errno = ENOSYS;
        return EOF;
    }
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    if (o == NULL || ft_guard)
        return real(stream);
    return o->safe_fclose(stream, real);
}
