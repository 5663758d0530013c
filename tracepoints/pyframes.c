/* The calling thread's Python frames, read from CPython 3.11's frame chain
 * (pyframes.h says why without the GIL). */
#define _GNU_SOURCE
#include "pyframes.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>

#include "cpython311.h"

typedef void *(*this_thread_state_fn)(void);
typedef int (*addr2line_fn)(void *code, int byte_offset);
typedef int (*is_initialized_fn)(void);

static this_thread_state_fn this_thread_state;
static addr2line_fn addr2line;
static is_initialized_fn is_initialized;

bool ft_py_init(void) {
    if (sizeof(void *) != 8)
        return false;
    const unsigned long *version = dlsym(RTLD_DEFAULT, "Py_Version");
    if (version == NULL || (*version >> 16) != FT_PY_VERSION_MAJOR_MINOR)
        return false;
    /* PyGILState_GetThisThreadState reads a thread-specific key: no GIL is
     * needed, and it is NULL on threads Python does not know.
     * PyCode_Addr2Line only reads the code object's line table. */
    is_initialized = (is_initialized_fn)dlsym(RTLD_DEFAULT, "Py_IsInitialized");
    addr2line = (addr2line_fn)dlsym(RTLD_DEFAULT, "PyCode_Addr2Line");
    this_thread_state =
        (this_thread_state_fn)dlsym(RTLD_DEFAULT, "PyGILState_GetThisThreadState");
    if (is_initialized == NULL || addr2line == NULL)
        this_thread_state = NULL;
    return this_thread_state != NULL;
}

#define AT(p, offset, type) (*(type *)((const char *)(p) + (offset)))

/* ---- names --------------------------------------------------------------- */

#define NAME_MAX_BYTES 512

static size_t put_utf8(char *out, uint32_t c) {
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* A str object's text as UTF-8 into `buf` (cut at NAME_MAX_BYTES), read from
 * its compact representation: code objects' names are never legacy strings. */
static const char *str_text(const void *s, char buf[NAME_MAX_BYTES]) {
    buf[0] = '\0';
    if (s == NULL)
        return buf;
    const unsigned int state = AT(s, FT_PY_STR_STATE, unsigned int);
    if (!FT_PY_STR_COMPACT(state))
        return "?";
    const ptrdiff_t length = AT(s, FT_PY_STR_LENGTH, ptrdiff_t);
    const void *data =
        (const char *)s +
        (FT_PY_STR_ASCII(state) ? FT_PY_STR_ASCII_DATA : FT_PY_STR_COMPACT_DATA);
    size_t n = 0;
    for (ptrdiff_t i = 0; i < length && n + 4 < NAME_MAX_BYTES; i++) {
        uint32_t c;
        switch (FT_PY_STR_KIND(state)) {
        case 1:
            c = ((const uint8_t *)data)[i];
            break;
        case 2:
            c = ((const uint16_t *)data)[i];
            break;
        case 4:
            c = ((const uint32_t *)data)[i];
            break;
        default:
            return "?";
        }
        n += put_utf8(buf + n, c);
    }
    buf[n] = '\0';
    return buf;
}

/* ---- code objects announced ---------------------------------------------- */

/* Open addressing over code object addresses.  A code object freed and another
 * made at its address has other names: the stamp tells them apart, and the new
 * one is announced again (the analyzer takes the latest announcement). */
#define SEEN_SLOTS 4096
static struct { uint64_t code, stamp; } seen[SEEN_SLOTS];
static unsigned seen_count;
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t stamp_of(const void *code) {
    return (uint64_t)AT(code, FT_PY_CODE_QUALNAME, uintptr_t) ^
           ((uint64_t)AT(code, FT_PY_CODE_FILENAME, uintptr_t) << 1) ^
           (uint64_t)(uint32_t)AT(code, FT_PY_CODE_FIRSTLINENO, int);
}

static unsigned slot_of(uint64_t key) {
    return (unsigned)((key >> 4) * 0x9E3779B1u) % SEEN_SLOTS;
}

/* Whether `code` was announced, without the lock: entries are only added or
 * restamped under it, code last, so a reader that races a writer at worst
 * takes the locked path. */
static bool announced_already(uint64_t key, uint64_t stamp) {
    unsigned i = slot_of(key);
    for (unsigned probes = 0; probes < SEEN_SLOTS; probes++, i = (i + 1) % SEEN_SLOTS) {
        const uint64_t at = __atomic_load_n(&seen[i].code, __ATOMIC_ACQUIRE);
        if (at == key)
            return __atomic_load_n(&seen[i].stamp, __ATOMIC_RELAXED) == stamp;
        if (at == 0)
            return false;
    }
    return false;
}

/* Whether `code` must be announced; marks it announced. */
static bool first_sight(const void *code, uint64_t stamp) {
    const uint64_t key = (uint64_t)(uintptr_t)code;
    if (announced_already(key, stamp))
        return false;
    bool fresh = true;
    pthread_mutex_lock(&seen_lock);
    unsigned i = slot_of(key);
    for (unsigned probes = 0; probes < SEEN_SLOTS; probes++, i = (i + 1) % SEEN_SLOTS) {
        if (seen[i].code == key) {
            fresh = seen[i].stamp != stamp;
            __atomic_store_n(&seen[i].stamp, stamp, __ATOMIC_RELAXED);
            break;
        }
        if (seen[i].code == 0) {
            /* Kept three quarters full at most; beyond, announced every time. */
            if (seen_count < SEEN_SLOTS / 4 * 3) {
                __atomic_store_n(&seen[i].stamp, stamp, __ATOMIC_RELAXED);
                __atomic_store_n(&seen[i].code, key, __ATOMIC_RELEASE);
                seen_count++;
            }
            break;
        }
    }
    pthread_mutex_unlock(&seen_lock);
    return fresh;
}

void ft_py_forget_announced(void) {
    memset(seen, 0, sizeof seen);
    seen_count = 0;
    pthread_mutex_init(&seen_lock, NULL);
}

/* ---- lines ---------------------------------------------------------------- */

/* PyCode_Addr2Line scans the code object's line table from its start: the
 * dearest part of a Python frame.  A program calls libflux from a few places
 * over and over, so each thread keeps the last lines it computed.  The table
 * is the thread's own (no lock, no torn entries); the default TLS model,
 * because this library is dlopened and the static TLS surplus is small. */
#define LINE_CACHE 32
static __thread struct {
    uint64_t code, stamp; /* the stamp: another code object at the same address */
    int32_t offset, line;
} line_cache[LINE_CACHE];

static int line_of(const void *code, uint64_t stamp, int offset) {
    const uint64_t key = (uint64_t)(uintptr_t)code;
    const unsigned i =
        (unsigned)(((key >> 4) ^ (uint64_t)offset * 0x9E3779B1u) % LINE_CACHE);
    if (line_cache[i].code == key && line_cache[i].offset == offset &&
        line_cache[i].stamp == stamp)
        return line_cache[i].line;
    const int line = addr2line((void *)code, offset);
    line_cache[i].code = key;
    line_cache[i].stamp = stamp;
    line_cache[i].offset = offset;
    line_cache[i].line = line;
    return line;
}

/* ---- the frame chain ----------------------------------------------------- */

#define WALK_MAX 512 /* frames looked at, whatever is kept: a bound on a bad chain */

uint32_t ft_py_capture(uint64_t *out, uint32_t max_frames,
                       void (*announce)(const struct ft_pycode *code)) {
    if (this_thread_state == NULL || max_frames == 0 || !is_initialized())
        return 0;
    const void *tstate = this_thread_state();
    if (tstate == NULL)
        return 0;
    const void *cframe = AT(tstate, FT_PY_TSTATE_CFRAME, const void *);
    if (cframe == NULL)
        return 0;
    const void *frame = AT(cframe, FT_PY_CFRAME_CURRENT_FRAME, const void *);
    uint32_t kept = 0;
    for (int walked = 0; frame != NULL && kept < max_frames && walked < WALK_MAX;
         walked++, frame = AT(frame, FT_PY_FRAME_PREVIOUS, const void *)) {
        const void *code = AT(frame, FT_PY_FRAME_CODE, const void *);
        if (code == NULL)
            break;
        const char *first = (const char *)code + FT_PY_CODE_CODE;
        const char *prev = AT(frame, FT_PY_FRAME_PREV_INSTR, const char *);
        /* A frame pushed but not started yet has no line (CPython's
         * _PyFrame_IsIncomplete). */
        if (AT(frame, FT_PY_FRAME_OWNER, char) != FT_PY_FRAME_OWNED_BY_GENERATOR &&
            prev < first + AT(code, FT_PY_CODE_FIRSTTRACEABLE, int) * FT_PY_CODEUNIT_SIZE)
            continue;
        const uint64_t stamp = stamp_of(code);
        if (announce != NULL && first_sight(code, stamp)) {
            char qualname[NAME_MAX_BYTES], file[NAME_MAX_BYTES];
            struct ft_pycode c = {
                .code = (uint64_t)(uintptr_t)code,
                .qualname =
                    str_text(AT(code, FT_PY_CODE_QUALNAME, const void *), qualname),
                .file = str_text(AT(code, FT_PY_CODE_FILENAME, const void *), file),
                .firstlineno = AT(code, FT_PY_CODE_FIRSTLINENO, int),
            };
            announce(&c);
        }
        const int line = line_of(code, stamp, (int)(prev - first));
        out[2 * kept] = (uint64_t)(uintptr_t)code;
        out[2 * kept + 1] = (uint64_t)(int64_t)line;
        kept++;
    }
    return 2 * kept;
}
