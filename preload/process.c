/* Process and thread structure the happens-before graph needs: fork (the child
 * continues the parent's program order), posix_spawn and exec (a new program
 * that inherits the parent's causality), and thread creation.  All of it is
 * recorded only in a process that already loaded the provider: one that never
 * called libflux-core stays inert. */
#include "shim.h"

#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

static void emit_life(const struct fluxtrace_ops *o, enum ft_life_op op, pid_t pid,
                      const char *path, uint64_t token, int rc, int err) {
    if (!ft_enabled(o, FT_EV_PROC_LIFE))
        return;
    int saved = errno;
    ft_guard++;
    struct ft_life l = {
        .op = op, .pid = pid, .path = path, .token = token, .rc = rc, .err = err};
    o->life(&l);
    ft_guard--;
    errno = saved;
}

/* lttng-ust's own fork hooks run around the real fork, so the child's records
 * carry its own vpid and its tracer state is sound. */
pid_t fork(void) {
    __typeof__(&fork) real = FT_REAL(fork);
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    if (o == NULL)
        return real();
    sigset_t sigset;
    o->before_fork(&sigset);
    pid_t pid = real();
    int err = errno;
    if (pid == 0) {
        o->after_fork_child(&sigset);
    } else {
        o->after_fork_parent(&sigset);
        emit_life(o, FT_LIFE_FORK_PARENT, pid, NULL, 0, pid < 0 ? -1 : 0,
                  pid < 0 ? err : 0);
    }
    errno = err;
    return pid;
}

static void before_exec(const char *path) {
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    if (o != NULL)
        emit_life(o, FT_LIFE_EXEC, getpid(), path, 0, 0, 0);
}

/* Each exec entry point separately: glibc's own calls between them do not go
 * through the PLT. */
#define FT_EXEC(name, params, args, path)                                                \
    int name params {                                                                    \
        __typeof__(&name) real = FT_REAL(name);                                          \
        if (real == NULL) {                                                              \
            errno = ENOSYS;                                                              \
            return -1;                                                                   \
        }                                                                                \
        before_exec(path);                                                               \
        return real args;                                                                \
    }

FT_EXEC(execve, (const char *path, char *const argv[], char *const envp[]),
        (path, argv, envp), path)
FT_EXEC(execv, (const char *path, char *const argv[]), (path, argv), path)
FT_EXEC(execvp, (const char *file, char *const argv[]), (file, argv), file)
FT_EXEC(execvpe, (const char *file, char *const argv[], char *const envp[]),
        (file, argv, envp), file)

#define FT_SPAWN(name)                                                                   \
    int name(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,    \
             const posix_spawnattr_t *attr, char *const argv[], char *const envp[]) {    \
        __typeof__(&name) real = FT_REAL(name);                                          \
        if (real == NULL)                                                                \
            return ENOSYS;                                                               \
        pid_t child = 0;                                                                 \
        int rc = real(&child, path, actions, attr, argv, envp);                          \
        if (pid != NULL)                                                                 \
            *pid = child;                                                                \
        const struct fluxtrace_ops *o = ft_ops_if_loaded();                              \
        if (o != NULL)                                                                   \
            emit_life(o, FT_LIFE_SPAWN, rc == 0 ? child : -1, path, 0, rc == 0 ? 0 : -1, \
                      rc);                                                               \
        return rc;                                                                       \
    }

FT_SPAWN(posix_spawn)
FT_SPAWN(posix_spawnp)

/* ---- threads ---------------------------------------------------------------- */

struct thread_start {
    void *(*fn)(void *);
    void *arg;
    uint64_t token;
};

static void *thread_trampoline(void *p) {
    struct thread_start start = *(struct thread_start *)p;
    free(p);
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    if (o != NULL)
        emit_life(o, FT_LIFE_THREAD_START, 0, NULL, start.token, 0, 0);
    return start.fn(start.arg);
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*fn)(void *),
                   void *arg) {
    __typeof__(&pthread_create) real = FT_REAL(pthread_create);
    if (real == NULL)
        return ENOSYS;
    const struct fluxtrace_ops *o = ft_guard ? NULL : ft_ops_if_loaded();
    struct thread_start *start = o != NULL ? malloc(sizeof *start) : NULL;
    if (start == NULL)
        return real(thread, attr, fn, arg);
    static uint64_t next_token;
    int saved = errno;
    start->fn = fn;
    start->arg = arg;
    start->token =
        ((uint64_t)getpid() << 32) | __atomic_add_fetch(&next_token, 1, __ATOMIC_RELAXED);
    errno = saved;
    emit_life(o, FT_LIFE_THREAD_CREATE, 0, NULL, start->token, 0, 0);
    int rc = real(thread, attr, thread_trampoline, start);
    if (rc != 0)
        free(start);
    return rc;
}

/* The list forms build an argv and call glibc's execve/execvp internally, past
 * the PLT: rebuild the argv here and go through the wrappers above. */
#define FT_COLLECT_ARGV(argv, arg0, ap)                                                  \
    size_t argc_ = 1;                                                                    \
    va_start(ap, arg0);                                                                  \
    while (va_arg(ap, const char *) != NULL)                                             \
        argc_++;                                                                         \
    va_end(ap);                                                                          \
    char *argv[argc_ + 1];                                                               \
    argv[0] = (char *)arg0;                                                              \
    va_start(ap, arg0);                                                                  \
    for (size_t i_ = 1; i_ <= argc_; i_++)                                               \
        argv[i_] = va_arg(ap, char *);

int execl(const char *path, const char *arg, ...) {
    va_list ap;
    FT_COLLECT_ARGV(argv, arg, ap);
    va_end(ap);
    return execv(path, argv);
}

int execlp(const char *file, const char *arg, ...) {
    va_list ap;
    FT_COLLECT_ARGV(argv, arg, ap);
    va_end(ap);
    return execvp(file, argv);
}

int execle(const char *path, const char *arg, ...) {
    va_list ap;
    FT_COLLECT_ARGV(argv, arg, ap);
    char *const *envp = va_arg(ap, char *const *);
    va_end(ap);
    return execve(path, argv, envp);
}
