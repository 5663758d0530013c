/* libflux-core loaded RTLD_LOCAL (as Python's bindings load it), the program
 * not linked against it: the program's own calls go to the library directly,
 * but flux_rpc's internal flux_send still goes through the PLT to the shim,
 * which must find the real flux_send although RTLD_NEXT cannot.
 *
 *   rtld_local PATH-OF-LIBFLUX-CORE
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct flux_handle flux_t;
typedef struct flux_future flux_future_t;

static void *sym(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (p == NULL) {
        fprintf(stderr, "rtld_local: %s: %s\n", name, dlerror());
        exit(1);
    }
    return p;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: rtld_local PATH-OF-LIBFLUX-CORE\n");
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        fprintf(stderr, "rtld_local: %s\n", dlerror());
        return 1;
    }
    /* Not wrapped by the shim: found only if the library were global. */
    if (dlsym(RTLD_DEFAULT, "flux_msg_create") != NULL) {
        fprintf(stderr, "rtld_local: libflux-core is in the global scope\n");
        return 1;
    }
    flux_t *(*open)(const char *, int) = sym(lib, "flux_open");
    flux_future_t *(*rpc)(flux_t *, const char *, const char *, unsigned, int) =
        sym(lib, "flux_rpc");
    int (*rpc_get)(flux_future_t *, const char **) = sym(lib, "flux_rpc_get");
    void (*destroy)(flux_future_t *) = sym(lib, "flux_future_destroy");
    void (*close)(flux_t *) = sym(lib, "flux_close");

    flux_t *h = open("loop://", 0);
    if (h == NULL) {
        perror("flux_open");
        return 1;
    }
    flux_future_t *f = rpc(h, "test.echo", "rtld-local", 0xFFFFFFFF, 0);
    const char *s;
    if (f == NULL || rpc_get(f, &s) < 0) {
        perror("flux_rpc");
        return 1;
    }
    printf("echo: %s\n", s);
    destroy(f);
    close(h);
    return 0;
}
