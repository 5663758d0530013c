/* Process and thread structure the happens-before graph needs: fork (the child
 * continues the parent's program order), posix_spawn and exec (a new program
 * that inherits the parent's causality), and thread creation.  All of it is
 * recorded only in a process that already loaded the provider: one that never
 * called libflux-core stays inert. */
#include "shim.h"

#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void emit_life(const struct fluxtrace_ops *o, enum ft_life_op op, pid_t pid,
                      const char *path, uint64_t token, int rc, int err) {
    if (!ft_enabled(o, FT_EV_LIFE))
        return;
    int saved = errno;
    ft_guard++;
    struct ft_life l = {
        .op = op, .pid = pid, .path = path, .token = token, .rc = rc, .err = err};
    o->life(&l);
    ft_guard--;
    errno = saved;
}

/* Threads the tracer itself started (LTTng-UST's listener threads), counted by
 * pthread_create below while the shim's own code runs. */
static int tracer_threads;

/* Threads of this process, from /proc/self/stat (field 20); -1 if unknown. */
static int process_threads(void) {
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    for (int field = 2; p != NULL && field < 20; field++)
        p = strchr(p + 1, ' ');
    return p != NULL ? atoi(p + 1) : -1;
}

/* lttng-ust's fork hooks around the real fork give a child that goes on
 * without exec its own vpid and a sound tracer.  They are used only when the
 * program itself is single-threaded: a child of a multi-threaded process may
 * only exec (POSIX), and lttng-ust 2.13.5 was seen to abort in such a child
 * (counter/shm.c assertion, in a broker forking job processes while its
 * modules' threads traced).  That child gets a plain fork and records
 * nothing; if it execs, the new program is traced afresh (its `process` record
 * names its parent). */
pid_t fork(void) {
    __typeof__(&fork) real = FT_REAL(fork);
    if (real == NULL) {
        errno = ENOSYS;
        return -1;
    }
    const struct fluxtrace_ops *o = ft_ops_if_loaded();
    if (o == NULL)
        return real();
    int saved = errno;
    int threads = process_threads();
    bool hooks =
        threads >= 0 && threads - __atomic_load_n(&tracer_threads, __ATOMIC_RELAXED) <= 1;
    errno = saved;
    sigset_t sigset;
    if (hooks)
        o->before_fork(&sigset);
    pid_t pid = real();
    int err = errno;
    if (pid == 0) {
        if (hooks)
            o->after_fork_child(&sigset);
        else /* the tracer's state is the parent's: record nothing here */
            __atomic_store_n(&ft_loaded_ops, NULL, __ATOMIC_RELEASE);
    } else {
        if (hooks)
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
    if (ft_guard) /* the tracer's own threads, started while the shim loads it */
        __atomic_add_fetch(&tracer_threads, 1, __ATOMIC_RELAXED);
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
