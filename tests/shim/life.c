/* Process and thread life around flux calls.  Each flux call below is a KVS
 * lookup of a key naming who made it, so a test finds each one's record and
 * checks the process and thread it is attributed to.  Pids and tids go to
 * stdout as "who pid tid".
 *
 *   life fork     parent looks up parent-before; the child (fork, no exec) looks
 *                 up child-inherited on the parent's handle and child-own on
 *                 its own; the parent then looks up parent-after
 *   life fork-first  fork before any flux call: the child looks up
 *                 child-first, then the parent parent-after
 *   life exec     the child of fork execs "life exec-child": exec-child
 *   life spawn    posix_spawn of "life spawn-child": spawn-child
 *   life threads  two threads, each with its own handle, 200 echo RPCs each
 *                 at the same time, then thread-1, thread-2
 *   life module MODULE.so
 *                 dlopen of a module that makes its own flux calls: module-key
 *   life exit     before-exit, then exit() inside a timer callback, after
 *                 looking up in-callback
 *   life fork-resolving BLOCKING_CTOR.so
 *                 a child forked while another thread is inside the shim's
 *                 first look-up of a symbol (held there: a third thread
 *                 holds the loader's lock, in the constructor of
 *                 BLOCKING_CTOR.so) execs "life exec-child": exec-child
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "double.h"

#define THREAD_RPCS 200

extern char **environ;

static void die(const char *what) {
    fprintf(stderr, "life: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void who(const char *name) {
    printf("%s %d %d\n", name, (int)getpid(), (int)gettid());
    fflush(stdout);
}

/* A lookup of a key that does not exist: one round trip, ENOENT. */
static void lookup(flux_t *h, const char *key) {
    flux_future_t *f = flux_kvs_lookup(h, NULL, 0, key);
    const char *value;
    if (f == NULL)
        die("flux_kvs_lookup");
    if (flux_kvs_lookup_get(f, &value) == 0 || errno != ENOENT)
        die(key);
    flux_future_destroy(f);
    who(key);
}

static flux_t *open_loop(void) {
    flux_t *h = flux_open("loop://", 0);
    if (h == NULL)
        die("flux_open");
    return h;
}

static int wait_child(pid_t pid) {
    int status;
    if (waitpid(pid, &status, 0) < 0)
        die("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int do_fork(void) {
    flux_t *h = open_loop();
    lookup(h, "parent-before");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        lookup(h, "child-inherited");
        flux_t *h2 = open_loop();
        lookup(h2, "child-own");
        flux_close(h2);
        fflush(stdout);
        _exit(0);
    }
    int rc = wait_child(pid);
    lookup(h, "parent-after");
    flux_close(h);
    return rc;
}

static int do_fork_first(void) {
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        flux_t *h = open_loop();
        lookup(h, "child-first");
        flux_close(h);
        fflush(stdout);
        _exit(0);
    }
    int rc = wait_child(pid);
    flux_t *h = open_loop();
    lookup(h, "parent-after");
    flux_close(h);
    return rc;
}

static int do_exec(const char *self) {
    flux_t *h = open_loop();
    lookup(h, "exec-parent");
    pid_t pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0) {
        char *argv[] = {(char *)self, "exec-child", NULL};
        execv(self, argv);
        _exit(127);
    }
    flux_close(h);
    return wait_child(pid);
}

static int do_spawn(const char *self) {
    flux_t *h = open_loop();
    lookup(h, "spawn-parent");
    char *argv[] = {(char *)self, "spawn-child", NULL};
    pid_t pid;
    int err = posix_spawn(&pid, self, NULL, NULL, argv, environ);
    if (err != 0) {
        errno = err;
        die("posix_spawn");
    }
    flux_close(h);
    return wait_child(pid);
}

/* Both threads open their handle, then make their RPCs at the same time. */
static pthread_barrier_t barrier;
#define FORK_THREADS_CHILDREN 12
#define CLOSEFDS_CHILDREN 20

static void *thread_main(void *arg) {
    const char *name = arg;
    flux_t *h = open_loop();
    pthread_barrier_wait(&barrier);
    for (int i = 0; i < THREAD_RPCS; i++) {
        flux_future_t *f = flux_rpc(h, "test.echo", name, FLUX_NODEID_ANY, 0);
        const char *s;
        if (f == NULL || flux_rpc_get(f, &s) < 0 || strcmp(s, name) != 0)
            die("echo");
        flux_future_destroy(f);
    }
    lookup(h, name);
    flux_close(h);
    return NULL;
}

/* Forks `n` children that exec this program as "exec-child" (after closing
 * every descriptor but stdio when `close_fds`, as flux's libsubprocess does);
 * returns how many did not exit 0. */
static int fork_exec_children(const char *self, int n, bool close_fds) {
    int failed = 0;
    for (int i = 0; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            if (close_fds)
                for (int fd = 3; fd < 1024; fd++)
                    close(fd);
            char *argv[] = {(char *)self, "exec-child", NULL};
            execv(self, argv);
            _exit(127);
        }
        if (wait_child(pid) != 0)
            failed++;
    }
    return failed;
}

/* Threads make RPCs while the main thread forks and execs children: the
 * children of a multi-threaded traced process must run and exec normally.  The
 * flag the threads poll is atomic (a volatile one is a data race to TSan). */
static atomic_bool forking_done;

static pthread_barrier_t busy;

static void *rpc_loop(void *arg) {
    flux_t *h = open_loop();
    pthread_barrier_wait(&busy); /* tracing is on before the first fork */
    /* An RPC every millisecond at most: the threads are busy through every
     * fork, and a loaded machine, whose forks are slow, does not make the
     * trace grow past what the checker reads in its time. */
    const struct timespec pause = {0, 1000000};
    while (!atomic_load(&forking_done)) {
        flux_future_t *f = flux_rpc(h, "test.echo", arg, FLUX_NODEID_ANY, 0);
        const char *s;
        if (f == NULL || flux_rpc_get(f, &s) < 0)
            die("echo");
        flux_future_destroy(f);
        nanosleep(&pause, NULL);
    }
    flux_close(h);
    return NULL;
}

static int do_fork_threads(const char *self) {
    pthread_t t1, t2;
    pthread_barrier_init(&busy, NULL, 3);
    if (pthread_create(&t1, NULL, rpc_loop, "busy-1") != 0 ||
        pthread_create(&t2, NULL, rpc_loop, "busy-2") != 0)
        die("pthread_create");
    pthread_barrier_wait(&busy);
    int failed = fork_exec_children(self, FORK_THREADS_CHILDREN, false);
    atomic_store(&forking_done, true);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    printf("children %d failed %d\n", FORK_THREADS_CHILDREN, failed);
    return failed != 0;
}

/* life fork-resolving: see the top.  Forced, not timed: the constructor
 * says when it holds the loader's lock, and the resolving thread is seen
 * asleep (in the loader's lock: nothing else on its way to dlsym sleeps)
 * before the fork. */
static int ctor_pipes[2][2]; /* [0]: entered, [1]: go */
static atomic_int resolver_tid;

static void *dlopen_blocking(void *path) {
    if (dlopen(path, RTLD_NOW) == NULL)
        fprintf(stderr, "life: dlopen: %s\n", dlerror()), exit(1);
    return NULL;
}

static void *first_get_size(void *h) {
    uint32_t size;
    atomic_store(&resolver_tid, gettid());
    flux_get_size(h, &size); /* its first look-up: waits */
    return NULL;
}

static char task_state(int tid) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/task/%d/stat", tid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')');
    return p != NULL && p[1] == ' ' ? p[2] : '?';
}

static int do_fork_resolving(const char *self, const char *ctor_lib) {
    flux_t *h = open_loop();
    lookup(h, "resolving-parent");
    /* fork's own first look-up, before the loader's lock is taken. */
    pid_t first = fork();
    if (first == 0)
        _exit(0);
    if (first < 0 || wait_child(first) != 0)
        die("first fork");
    char fds[32];
    if (pipe(ctor_pipes[0]) < 0 || pipe(ctor_pipes[1]) < 0)
        die("pipe");
    snprintf(fds, sizeof fds, "%d %d", ctor_pipes[0][1], ctor_pipes[1][0]);
    setenv("FT_BLOCKING_CTOR_FDS", fds, 1);
    pthread_t loader, resolver;
    char byte;
    if (pthread_create(&loader, NULL, dlopen_blocking, (void *)ctor_lib) != 0 ||
        read(ctor_pipes[0][0], &byte, 1) != 1)
        die("loader thread");
    if (pthread_create(&resolver, NULL, first_get_size, h) != 0)
        die("resolver thread");
    while (atomic_load(&resolver_tid) == 0 ||
           task_state(atomic_load(&resolver_tid)) != 'S')
        usleep(1000);
    alarm(60); /* a child that hangs ends the test, not only its time limit */
    int failed = fork_exec_children(self, 1, false);
    alarm(0);
    if (write(ctor_pipes[1][1], "g", 1) != 1)
        die("go");
    pthread_join(loader, NULL);
    pthread_join(resolver, NULL);
    flux_close(h);
    printf("children 1 failed %d\n", failed);
    return failed != 0;
}

/* As flux's libsubprocess does between fork and exec: close every descriptor
 * but stdio.  The child's tracer, restarted by the fork hooks, must survive. */
static int do_fork_closefds(const char *self) {
    flux_t *h = open_loop();
    lookup(h, "closefds-parent");
    int failed = fork_exec_children(self, CLOSEFDS_CHILDREN, true);
    flux_close(h);
    printf("children %d failed %d\n", CLOSEFDS_CHILDREN, failed);
    return failed != 0;
}

static int do_threads(void) {
    pthread_t t1, t2;
    who("main");
    pthread_barrier_init(&barrier, NULL, 2);
    if (pthread_create(&t1, NULL, thread_main, "thread-1") != 0 ||
        pthread_create(&t2, NULL, thread_main, "thread-2") != 0)
        die("pthread_create");
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    return 0;
}

static int do_module(const char *path) {
    void *dso = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (dso == NULL) {
        fprintf(stderr, "life: %s\n", dlerror());
        return 1;
    }
    int (*run)(void) = (int (*)(void))dlsym(dso, "module_run");
    if (run == NULL || run() != 0)
        die("module_run");
    who("module-key");
    dlclose(dso);
    return 0;
}

static void exit_cb(flux_reactor_t *r, flux_watcher_t *w, int revents, void *arg) {
    (void)r, (void)w, (void)revents;
    lookup(arg, "in-callback");
    exit(0);
}

static int do_exit(void) {
    flux_t *h = open_loop();
    lookup(h, "before-exit");
    flux_watcher_t *w = flux_timer_watcher_create(flux_get_reactor(h), 0, 0, exit_cb, h);
    if (w == NULL)
        die("timer");
    flux_watcher_start(w);
    flux_reactor_run(flux_get_reactor(h), 0);
    fprintf(stderr, "life: exit() in the callback did not exit\n");
    return 1;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    const char *mode = argc > 1 ? argv[1] : "";
    if (!strcmp(mode, "fork"))
        return do_fork();
    if (!strcmp(mode, "fork-first"))
        return do_fork_first();
    if (!strcmp(mode, "exec"))
        return do_exec(argv[0]);
    if (!strcmp(mode, "spawn"))
        return do_spawn(argv[0]);
    if (!strcmp(mode, "exec-child") || !strcmp(mode, "spawn-child")) {
        flux_t *h = open_loop();
        lookup(h, mode);
        flux_close(h);
        return 0;
    }
    if (!strcmp(mode, "threads"))
        return do_threads();
    if (!strcmp(mode, "fork-closefds"))
        return do_fork_closefds(argv[0]);
    if (!strcmp(mode, "fork-threads"))
        return do_fork_threads(argv[0]);
    if (!strcmp(mode, "fork-resolving") && argc == 3)
        return do_fork_resolving(argv[0], argv[2]);
    if (!strcmp(mode, "module") && argc == 3)
        return do_module(argv[2]);
    if (!strcmp(mode, "exit"))
        return do_exit();
    fprintf(stderr,
            "usage: life fork|fork-first|exec|spawn|threads|module MODULE.so|exit|"
            "fork-resolving BLOCKING_CTOR.so\n");
    return 2;
}
