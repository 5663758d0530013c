/* libfluxtrace-tp.so: the `fluxtrace` provider and what it costs to fill a
 * record (payload policy and hash, stacks, loaded-object records).
 *
 * It lives apart from the shim so LTTng-UST is loaded only by processes that
 * call libflux-core, and is loaded on first use: calls made from other
 * libraries' constructors, before a preload's own constructor runs, are kept.
 */
#define _GNU_SOURCE
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "fluxtrace_tp.h"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <lttng/ust-fork.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <xxhash.h>

#include "policy.h"
#include "pyframes.h"

#define FT_STACK_MAX 64
#define FT_SKIP_MAX 8 /* frames of the shim and provider that may precede */

static struct ft_policy policy;
static pthread_once_t policy_once = PTHREAD_ONCE_INIT;
static bool python; /* the process runs a Python whose frames are read */

/* Address ranges of the shim and of this library: frames inside them are ours,
 * not the program's, and are cut from the front of every stack. */
struct range {
    uintptr_t lo, hi;
};
static struct range own[8];
static int own_count;

/* Per-process state, reset in a fork child. */
static bool announced;
static unsigned long long dso_adds_seen;
static uintptr_t dso_bases[512];
static int dso_count;
static pthread_mutex_t dso_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t dso_checked_ns;
#define DSO_CHECK_NS 10000000ull /* 10 ms */

static int note_own_ranges(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    (void)arg;
    const char *base = strrchr(info->dlpi_name, '/');
    base = base ? base + 1 : info->dlpi_name;
    if (strcmp(base, "libfluxtrace.so") != 0 && strcmp(base, "libfluxtrace-tp.so") != 0)
        return 0;
    for (int i = 0; i < info->dlpi_phnum && own_count < 8; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            own[own_count].lo = info->dlpi_addr + ph->p_vaddr;
            own[own_count].hi = own[own_count].lo + ph->p_memsz;
            own_count++;
        }
    }
    return 0;
}

static void init_policy(void) {
    ft_policy_from_env(&policy, getenv("FLUXTRACE_PAYLOAD"), getenv("FLUXTRACE_STACK"));
    dl_iterate_phdr(note_own_ranges, NULL);
    /* FLUXTRACE_PYFRAMES=0: no Python frames (what they cost, or a way out if
     * reading them ever misbehaves). */
    const char *pyframes = getenv("FLUXTRACE_PYFRAMES");
    python = !(pyframes != NULL && strcmp(pyframes, "0") == 0) && ft_py_init();
}

static bool is_own(uintptr_t ip) {
    for (int i = 0; i < own_count; i++)
        if (ip >= own[i].lo && ip < own[i].hi)
            return true;
    return false;
}

/* Fill `ips` with the program's frames, innermost first. */
static uint32_t capture_stack(uint64_t *ips) {
    if (policy.stack_depth == 0)
        return 0;
    void *raw[FT_STACK_MAX + FT_SKIP_MAX];
    int n = unw_backtrace(raw, (int)policy.stack_depth + FT_SKIP_MAX);
    int first = 0;
    while (first < n && first < FT_SKIP_MAX && is_own((uintptr_t)raw[first]))
        first++;
    uint32_t count = 0;
    for (int i = first; i < n && count < policy.stack_depth; i++)
        ips[count++] = (uint64_t)(uintptr_t)raw[i];
    return count;
}

static void announce_pycode(const struct ft_pycode *code) {
    lttng_ust_tracepoint(fluxtrace, pycode, code);
}

/* What a record a person will see carries of where it was made. */
struct stacks {
    uint64_t ips[FT_STACK_MAX];
    uint32_t n;
    uint64_t pys[2 * FT_STACK_MAX]; /* (code object, line) pairs */
    uint32_t npys;
};

static void capture_stacks(struct stacks *s) {
    s->n = capture_stack(s->ips);
    s->npys = python ? ft_py_capture(s->pys, policy.stack_depth, announce_pycode) : 0;
}

/* ---- loaded objects ------------------------------------------------------ */

static uint32_t read_build_id(struct dl_phdr_info *info, const uint8_t **id) {
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_NOTE)
            continue;
        const uint8_t *p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
        const uint8_t *end = p + ph->p_memsz;
        while (p + sizeof(ElfW(Nhdr)) <= end) {
            const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)p;
            const uint8_t *name = p + sizeof(*nh);
            const uint8_t *desc = name + ((nh->n_namesz + 3) & ~3u);
            if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
                memcmp(name, "GNU", 4) == 0) {
                *id = desc;
                return nh->n_descsz;
            }
            p = desc + ((nh->n_descsz + 3) & ~3u);
        }
    }
    return 0;
}

static int emit_new_dso(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    (void)arg;
    uintptr_t base = info->dlpi_addr;
    for (int i = 0; i < dso_count; i++)
        if (dso_bases[i] == base)
            return 0;
    if (dso_count < (int)(sizeof dso_bases / sizeof dso_bases[0]))
        dso_bases[dso_count++] = base;
    uint64_t memsz = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && ph->p_vaddr + ph->p_memsz > memsz)
            memsz = ph->p_vaddr + ph->p_memsz;
    }
    const char *path = info->dlpi_name;
    char exe[4096];
    if (path == NULL || path[0] == '\0') {
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = '\0';
        path = exe;
    }
    const uint8_t *id = NULL;
    uint32_t idlen = read_build_id(info, &id);
    lttng_ust_tracepoint(fluxtrace, dso, base, memsz, path, id, idlen);
    return 0;
}

static int read_adds(struct dl_phdr_info *info, size_t size, void *arg) {
    (void)size;
    *(unsigned long long *)arg = info->dlpi_adds;
    return 1;
}

/* Emit a `dso` record for every object loaded since the last look.  Cheap when
 * nothing was loaded: one step of dl_iterate_phdr to read the load counter. */
static void refresh_dsos(void) {
    if (!lttng_ust_tracepoint_enabled(fluxtrace, dso))
        return;
    /* At most one look per DSO_CHECK_NS: reading the load counter takes the
     * loader's lock.  The analyzer resolves a stack against the `dso` records of
     * its process wherever they stand in the trace, so a late record is fine. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    uint64_t now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    uint64_t last = __atomic_load_n(&dso_checked_ns, __ATOMIC_RELAXED);
    if (now - last < DSO_CHECK_NS && last != 0)
        return;
    __atomic_store_n(&dso_checked_ns, now, __ATOMIC_RELAXED);
    unsigned long long adds = 0;
    dl_iterate_phdr(read_adds, &adds);
    if (adds == __atomic_load_n(&dso_adds_seen, __ATOMIC_RELAXED))
        return;
    pthread_mutex_lock(&dso_lock);
    if (adds != dso_adds_seen) {
        dl_iterate_phdr(emit_new_dso, NULL);
        /* Atomic although under the lock: other threads read it without. */
        __atomic_store_n(&dso_adds_seen, adds, __ATOMIC_RELAXED);
    }
    pthread_mutex_unlock(&dso_lock);
}

/* The version of the libflux-core in use, from its own
 * flux_core_version_string(): a record is made only from inside a libflux call,
 * so the library is loaded.  Looked up in the global scope, then in the
 * library itself when it was loaded RTLD_LOCAL (Python's bindings).  NULL when
 * the library has no such function (the tests' libflux-core double). */
static const char *flux_core_version(void) {
    typedef const char *(*version_fn)(void);
    version_fn fn = (version_fn)dlsym(RTLD_DEFAULT, "flux_core_version_string");
    if (fn == NULL) {
        void *lib = dlopen("libflux-core.so.2", RTLD_LAZY | RTLD_NOLOAD);
        if (lib != NULL) {
            fn = (version_fn)dlsym(lib, "flux_core_version_string");
            dlclose(lib);
        }
    }
    return fn != NULL ? fn() : NULL;
}

/* The last record of a process that ends through exit() (or a return from
 * main): one without it was killed, crashed, called _exit, or was still running
 * when the recording stopped.  An atexit handler runs before any library's
 * destructor, so LTTng-UST still listens.  Registered once per program image:
 * a fork child inherits it, and writes it as its own if it announced itself. */
static void note_exit(void) {
    if (!__atomic_load_n(&announced, __ATOMIC_ACQUIRE))
        return;
    struct ft_life l = {.op = FT_LIFE_EXIT, .pid = getpid()};
    lttng_ust_tracepoint(fluxtrace, life, &l);
}

static void announce(void) {
    if (__atomic_load_n(&announced, __ATOMIC_ACQUIRE))
        return;
    if (!lttng_ust_tracepoint_enabled(fluxtrace, process))
        return;
    pthread_once(&policy_once, init_policy);
    /* Before taking the lock: dlsym takes the loader's lock, which a thread
     * running a library constructor holds while it may call into libflux. */
    const char *version = flux_core_version();
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&lock);
    if (!announced) {
        char exe[4096];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        exe[n > 0 ? n : 0] = '\0';
        lttng_ust_tracepoint(fluxtrace, process, getppid(), exe, getenv("FLUX_URI"),
                             policy.mode_name, policy.stack_depth, version);
        __atomic_store_n(&announced, true, __ATOMIC_RELEASE);
        static bool exit_noted; /* not reset in a fork child: the hook is inherited */
        if (!exit_noted)
            exit_noted = atexit(note_exit) == 0;
    }
    pthread_mutex_unlock(&lock);
    refresh_dsos();
}

/* Common prologue of records a person will see a stack of. */
#define WITH_STACK(s)                                                                    \
    struct stacks s;                                                                     \
    announce();                                                                          \
    refresh_dsos();                                                                      \
    capture_stacks(&s)
/* A record's stack arguments. */
#define STACKS(s) (s).ips, (s).n, (s).pys, (s).npys
#define NO_STACK NULL, 0, NULL, 0

/* ---- the table ----------------------------------------------------------- */

/* Where each record kind's enabled state lives: the shim reads it directly,
 * which is all a call costs when no session listens. */
#define FT_STATE(name, CxxName, c_enum)                                                  \
    [c_enum] = &lttng_ust_tracepoint_fluxtrace___##name.state,
static void ops_msg(const struct ft_msg *m) {
    struct ft_payload p =
        ft_policy_payload(&policy, m->type, m->topic, m->payload, m->payload_len);
    struct ft_msg copy = *m;
    copy.payload = p.bytes;
    if (m->op == FT_MSG_SEND || m->op == FT_MSG_SEND_NEW) {
        WITH_STACK(s);
        lttng_ust_tracepoint(fluxtrace, msg, &copy, p.has_hash, p.hash, p.len, STACKS(s));
    } else {
        announce();
        lttng_ust_tracepoint(fluxtrace, msg, &copy, p.has_hash, p.hash, p.len, NO_STACK);
    }
}

static void ops_rpc(const struct ft_rpc *r) {
    WITH_STACK(s);
    lttng_ust_tracepoint(fluxtrace, rpc, r, STACKS(s));
}

/* The stack shows where the callback was dispatched from: the reactor, or a
 * blocking wait in another callback that ran a nested reactor. */
static void ops_cb_begin(const struct ft_cb *c) {
    WITH_STACK(s);
    lttng_ust_tracepoint(fluxtrace, cb_begin, c, STACKS(s));
}

static void ops_cb_end(const struct ft_cb *c) {
    lttng_ust_tracepoint(fluxtrace, cb_end, c);
}

static void ops_future(const struct ft_future *f) {
    announce();
    lttng_ust_tracepoint(fluxtrace, future, f);
}

static void ops_future_wait(const struct ft_future_wait *w) {
    if (w->was_ready) { /* not a wait: no stack needed to show it */
        announce();
        lttng_ust_tracepoint(fluxtrace, future_wait, w, NO_STACK);
        return;
    }
    WITH_STACK(s);
    lttng_ust_tracepoint(fluxtrace, future_wait, w, STACKS(s));
}

static void ops_reactor_run(const struct ft_reactor_run *r) {
    announce();
    lttng_ust_tracepoint(fluxtrace, reactor_run, r);
}

static void ops_loop(const struct ft_loop *l) {
    lttng_ust_tracepoint(fluxtrace, loop, l);
}

static void ops_kvs_lookup(const struct ft_kvs_lookup *l) {
    WITH_STACK(s);
    lttng_ust_tracepoint(fluxtrace, kvs_lookup, l, STACKS(s));
}

static void ops_kvs_value(const struct ft_kvs_value *v) {
    struct ft_hash h =
        ft_policy_value_hash(&policy, v->has_data ? v->data : NULL, v->len);
    announce();
    lttng_ust_tracepoint(fluxtrace, kvs_value, v, h.has_hash, h.hash);
}

static void ops_kvs_txn(const struct ft_kvs_txn *t) {
    struct ft_hash h = ft_policy_value_hash(&policy, t->data, t->len);
    announce();
    lttng_ust_tracepoint(fluxtrace, kvs_txn, t, h.has_hash, h.hash);
}

static void ops_kvs_commit(const struct ft_kvs_commit *c) {
    WITH_STACK(s);
    lttng_ust_tracepoint(fluxtrace, kvs_commit, c, STACKS(s));
}

static void ops_kvs_result(const struct ft_kvs_result *r) {
    announce();
    lttng_ust_tracepoint(fluxtrace, kvs_result, r);
}

static void ops_kvs_version(const struct ft_kvs_version *v) {
    WITH_STACK(s);
    lttng_ust_tracepoint(fluxtrace, kvs_version, v, STACKS(s));
}

static void ops_event_sub(const struct ft_event_sub *s) {
    announce();
    lttng_ust_tracepoint(fluxtrace, event_sub, s);
}

static void ops_event_pub(const struct ft_event_pub *p) {
    struct ft_payload pl =
        ft_policy_payload(&policy, 4 /* event */, p->topic, p->payload, p->payload_len);
    struct ft_event_pub copy = *p;
    copy.payload = pl.bytes;
    WITH_STACK(s);
    lttng_ust_tracepoint(fluxtrace, event_pub, &copy, pl.has_hash, pl.hash, pl.len,
                         STACKS(s));
}

static void ops_handle(const struct ft_handle *h) {
    announce();
    lttng_ust_tracepoint(fluxtrace, handle, h);
}

static void ops_attr(const struct ft_attr *a) {
    announce();
    lttng_ust_tracepoint(fluxtrace, attr, a);
}

static void ops_life(const struct ft_life *l) {
    announce();
    lttng_ust_tracepoint(fluxtrace, life, l);
}

static void ops_watcher(const struct ft_watcher *w) {
    announce();
    lttng_ust_tracepoint(fluxtrace, watcher, w);
}

static void ops_after_fork_child(sigset_t *restore) {
    lttng_ust_after_fork_child(restore);
    /* The child is a new process to the analyzer: it announces itself anew.
     * Its objects are the parent's, at the same addresses. */
    announced = false;
    dso_adds_seen = 0;
    dso_checked_ns = 0;
    dso_count = 0;
    ft_py_forget_announced();
}

static uint64_t ops_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Exported by liblttng-ust-common (what liblttng-ust-fd.so uses), not declared
 * in lttng-ust's public headers. */
int lttng_ust_safe_close_fd(int fd, int (*close_cb)(int fd));
int lttng_ust_safe_fclose_stream(FILE *stream, int (*fclose_cb)(FILE *stream));

static const struct fluxtrace_ops ops = {
    .abi = FLUXTRACE_OPS_ABI,
    .state = {FT_RECORDS(FT_STATE)},
    .msg = ops_msg,
    .rpc = ops_rpc,
    .cb_begin = ops_cb_begin,
    .cb_end = ops_cb_end,
    .future = ops_future,
    .future_wait = ops_future_wait,
    .reactor_run = ops_reactor_run,
    .loop = ops_loop,
    .kvs_lookup = ops_kvs_lookup,
    .kvs_value = ops_kvs_value,
    .kvs_txn = ops_kvs_txn,
    .kvs_commit = ops_kvs_commit,
    .kvs_result = ops_kvs_result,
    .kvs_version = ops_kvs_version,
    .event_sub = ops_event_sub,
    .event_pub = ops_event_pub,
    .handle = ops_handle,
    .attr = ops_attr,
    .life = ops_life,
    .watcher = ops_watcher,
    .before_fork = lttng_ust_before_fork,
    .after_fork_parent = lttng_ust_after_fork_parent,
    .after_fork_child = ops_after_fork_child,
    .safe_close = lttng_ust_safe_close_fd,
    .safe_fclose = lttng_ust_safe_fclose_stream,
    .now_ns = ops_now_ns,
};

const struct fluxtrace_ops *fluxtrace_tp_ops(void) {
    pthread_once(&policy_once, init_policy);
    return &ops;
}
