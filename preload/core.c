/* Real symbols, the provider table, and the thread-local guards. */
#include "shim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

__thread int ft_guard __attribute__((tls_model("initial-exec")));
__thread uint32_t ft_busy __attribute__((tls_model("initial-exec")));
__thread uint32_t ft_callback_runs __attribute__((tls_model("initial-exec")));

static const char *const sym_names[FT_SYM_COUNT] = {
#define FT_SYM_NAME(name) #name,
    FT_FLUX_SYMBOLS(FT_SYM_NAME) FT_LIBC_SYMBOLS(FT_SYM_NAME)
#undef FT_SYM_NAME
};

/* A slot holds the address, or FT_UNRESOLVED before the first look, or NULL
 * when the symbol does not exist. */
void *ft_sym_table[FT_SYM_COUNT] = {
#define FT_SYM_INIT(name) FT_UNRESOLVED,
    FT_FLUX_SYMBOLS(FT_SYM_INIT) FT_LIBC_SYMBOLS(FT_SYM_INIT)
#undef FT_SYM_INIT
};

static bool is_flux_symbol(enum ft_sym sym) {
    return strncmp(sym_names[sym], "flux_", 5) == 0;
}

static void *resolve(enum ft_sym sym) {
    void *p = dlsym(RTLD_NEXT, sym_names[sym]);
    if (p == NULL && is_flux_symbol(sym)) {
        /* Loaded RTLD_LOCAL (Python's bindings): not in the global scope, but
         * its internal calls through the PLT still reach the shim. */
        void *lib = dlopen("libflux-core.so.2", RTLD_LAZY | RTLD_NOLOAD);
        if (lib != NULL) {
            p = dlsym(lib, sym_names[sym]);
            dlclose(lib);
        }
    }
    return p;
}

/* No lock: threads that race here find the same address and store it alike.
 * A lock would be inherited held by the child of a fork made while another
 * thread resolved a symbol, and that child deadlocks on its first look of its
 * own (its exec, say): shim.life.fork-threads hung so under TSan. */
void *ft_real_resolve(enum ft_sym sym) {
    void *p = __atomic_load_n(&ft_sym_table[sym], __ATOMIC_ACQUIRE);
    if (p == FT_UNRESOLVED) {
        p = resolve(sym);
        /* NULL only while libflux-core is absent from the global scope and not
         * loaded at all yet: then nothing of it can call us either. */
        __atomic_store_n(&ft_sym_table[sym], p, __ATOMIC_RELEASE);
    }
    return p;
}

/* ---- the provider -------------------------------------------------------- */

enum tp_state { TP_UNLOADED, TP_LOADING, TP_DONE };
static int tp_state = TP_UNLOADED;
const struct fluxtrace_ops *ft_loaded_ops;
static pthread_mutex_t tp_lock = PTHREAD_MUTEX_INITIALIZER;

/* The provider sits beside the shim, in the build tree as once installed. */
static void *open_provider(void) {
    Dl_info info;
    char path[4096];
    if (dladdr((void *)open_provider, &info) != 0 && info.dli_fname != NULL) {
        const char *slash = strrchr(info.dli_fname, '/');
        if (slash != NULL) {
            int n = snprintf(path, sizeof path, "%.*s/libfluxtrace-tp.so",
                             (int)(slash - info.dli_fname), info.dli_fname);
            if (n > 0 && (size_t)n < sizeof path) {
                void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
                if (lib != NULL)
                    return lib;
            }
        }
    }
    return dlopen("libfluxtrace-tp.so", RTLD_NOW | RTLD_LOCAL);
}

static void load_provider(void) {
    int saved = errno;
    ft_guard++;
    void *lib = open_provider();
    const struct fluxtrace_ops *(*get)(void) =
        lib != NULL
            ? (const struct fluxtrace_ops *(*)(void))dlsym(lib, "fluxtrace_tp_ops")
            : NULL;
    const struct fluxtrace_ops *o = get != NULL ? get() : NULL;
    if (o != NULL && o->abi != FLUXTRACE_OPS_ABI)
        o = NULL;
    if (o == NULL && getenv("FLUXTRACE_DEBUG") != NULL)
        fprintf(stderr, "fluxtrace: provider not loaded: %s\n",
                lib == NULL ? dlerror() : "ABI mismatch");
    __atomic_store_n(&ft_loaded_ops, o, __ATOMIC_RELEASE);
    ft_guard--;
    errno = saved;
}

const struct fluxtrace_ops *ft_ops_load(void) {
    if (__atomic_load_n(&tp_state, __ATOMIC_ACQUIRE) == TP_DONE)
        return ft_ops_if_loaded();
    pthread_mutex_lock(&tp_lock);
    /* Loading runs with the guard held: were the provider's own start-up to
     * call flux, those calls would pass straight through. */
    if (tp_state == TP_UNLOADED) {
        /* Atomic although under the lock: other threads read it without. */
        __atomic_store_n(&tp_state, TP_LOADING, __ATOMIC_RELAXED);
        load_provider();
        __atomic_store_n(&tp_state, TP_DONE, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&tp_lock);
    return ft_ops_if_loaded();
}

/* The child of a fork made while another thread loaded the provider would
 * find tp_lock held forever: it records nothing instead, as the child of any
 * multi-threaded process does (process.c).  A child forked before the
 * provider was loaded at all loads it itself (shim.life.fork-first). */
static void provider_fork_child(void) {
    if (__atomic_load_n(&tp_state, __ATOMIC_RELAXED) == TP_LOADING) {
        pthread_mutex_init(&tp_lock, NULL);
        __atomic_store_n(&ft_loaded_ops, NULL, __ATOMIC_RELEASE);
        __atomic_store_n(&tp_state, TP_DONE, __ATOMIC_RELEASE);
    }
}

__attribute__((constructor)) static void provider_fork_handler(void) {
    pthread_atfork(NULL, NULL, provider_fork_child);
}
