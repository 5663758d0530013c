/* skew_clock.c: an LTTng-UST clock plugin that makes one simulated host's
 * trace clock disagree with the others', for the multi-host test bed
 * (tests/multihost/bed.sh, docs/multihost.md).
 *
 * Loaded by LTTng-UST in every process that has LTTNG_UST_CLOCK_PLUGIN=<path of
 * this library>: the traced programs, the session daemon and its consumer
 * daemons.  A host's clock belongs to the host, not to a process's
 * environment (`flux exec` gives the programs it starts on other nodes its
 * caller's environment), so the plugin looks its host up by name:
 *
 *   FLUXTRACE_TEST_CLOCK_CONFIG    a file of lines "HOST SKEW_NS DRIFT_PPM EPOCH_NS
 *                                  UUID"; the line whose HOST is this host's name
 *                                  (gethostname) applies
 *
 * or, without that file, reads the environment:
 *
 *   FLUXTRACE_TEST_CLOCK_SKEW_NS   the skew in ns, may be negative (default 0)
 *   FLUXTRACE_TEST_CLOCK_DRIFT_PPM the drift in parts per million (default 0)
 *   FLUXTRACE_TEST_CLOCK_EPOCH_NS  CLOCK_MONOTONIC at which the skew is exact
 *                                  (the drift accumulates from there; default 0)
 *   FLUXTRACE_TEST_CLOCK_UUID      the clock's uuid (default: the boot id)
 *
 * FLUXTRACE_TEST_CLOCK_NAME names the clock (default "fluxtrace_skew").
 *
 * Reading: CLOCK_MONOTONIC + skew + (CLOCK_MONOTONIC - epoch) * drift, in ns.
 *
 * Why the session daemon reads the clock without skew: LTTng writes a trace's
 * clock `offset` in the session daemon as CLOCK_REALTIME minus this clock at
 * session start (lttng-tools' measure_clock_offset), so a skew applied there
 * as well as in the traced programs cancels in offset + cycles, exactly as a
 * time namespace's shift does.  A real host whose wall clock runs S ahead has
 * an offset S larger; leaving the daemon's reading unskewed gives the same
 * absolute times (offset + cycles = real time + S + drift) without moving any
 * wall clock.  The consumer daemons do see the skew: they stamp packet
 * boundaries with this clock, and those must agree with the records inside.
 */
#define _GNU_SOURCE
#include <lttng/ust-clock.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Added to every reading, so that a negative skew never wraps the unsigned
 * clock on a machine booted less than a day ago; it cancels in the offset. */
#define SKEW_CLOCK_BASE_NS (86400ULL * 1000000000ULL)

static int64_t skew_ns;
static double drift_ppm;
static uint64_t epoch_ns;
static char clock_uuid[LTTNG_UST_UUID_STR_LEN] = "";
static const char *clock_name = "fluxtrace_skew";

static uint64_t monotonic_ns(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static uint64_t skewed_read64(void) {
    uint64_t now = monotonic_ns();
    double since_epoch = (double)now - (double)epoch_ns;
    return now + SKEW_CLOCK_BASE_NS + (uint64_t)skew_ns +
           (uint64_t)(int64_t)(since_epoch * drift_ppm * 1e-6);
}

static uint64_t plain_read64(void) {
    return monotonic_ns() + SKEW_CLOCK_BASE_NS;
}

static uint64_t skewed_freq(void) {
    return 1000000000ULL;
}

static int skewed_uuid(char *uuid) {
    memcpy(uuid, clock_uuid, LTTNG_UST_UUID_STR_LEN);
    return 0;
}

static const char *skewed_name(void) {
    return clock_name;
}

static const char *skewed_description(void) {
    return "CLOCK_MONOTONIC with a fixed skew and drift (fluxtrace multi-host test bed)";
}

static int read_boot_id(char *uuid) {
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (f == NULL)
        return -1;
    int ok = fgets(uuid, LTTNG_UST_UUID_STR_LEN, f) != NULL;
    fclose(f);
    return ok && strlen(uuid) == LTTNG_UST_UUID_STR_LEN - 1 ? 0 : -1;
}

/* A uuid is 36 characters: 8-4-4-4-12 hex digits. */
static int valid_uuid(const char *text) {
    if (strlen(text) != LTTNG_UST_UUID_STR_LEN - 1)
        return 0;
    for (int i = 0; i < LTTNG_UST_UUID_STR_LEN - 1; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : strchr("0123456789abcdefABCDEF", text[i]) == NULL)
            return 0;
    }
    return 1;
}

static int is_session_daemon(void) {
    return strcmp(program_invocation_short_name, "lttng-sessiond") == 0;
}

static void complain(const char *what) {
    fprintf(stderr, "skew_clock: %s; keeping LTTng's default clock\n", what);
}

/* The line of FILE for this host: 1 found, 0 not there, -1 unreadable. */
static int read_host_line(const char *file) {
    char host[256] = "", line[512], name[256], uuid[LTTNG_UST_UUID_STR_LEN];
    long long skew;
    unsigned long long epoch;
    double drift;
    FILE *f = fopen(file, "r");
    if (f == NULL || gethostname(host, sizeof host - 1) != 0) {
        if (f != NULL)
            fclose(f);
        return -1;
    }
    int found = 0;
    while (!found && fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "%255s %lld %lf %llu %36s", name, &skew, &drift, &epoch, uuid) ==
                5 &&
            strcmp(name, host) == 0 && valid_uuid(uuid)) {
            skew_ns = skew;
            drift_ppm = drift;
            epoch_ns = epoch;
            memcpy(clock_uuid, uuid, LTTNG_UST_UUID_STR_LEN);
            found = 1;
        }
    }
    fclose(f);
    return found;
}

static int read_environment(void) {
    const char *value;
    char *end;

    if ((value = getenv("FLUXTRACE_TEST_CLOCK_SKEW_NS")) != NULL && *value) {
        errno = 0;
        skew_ns = strtoll(value, &end, 10);
        if (errno || *end)
            return complain("FLUXTRACE_TEST_CLOCK_SKEW_NS is not an integer"), -1;
    }
    if ((value = getenv("FLUXTRACE_TEST_CLOCK_DRIFT_PPM")) != NULL && *value) {
        drift_ppm = strtod(value, &end);
        if (*end)
            return complain("FLUXTRACE_TEST_CLOCK_DRIFT_PPM is not a number"), -1;
    }
    if ((value = getenv("FLUXTRACE_TEST_CLOCK_EPOCH_NS")) != NULL && *value) {
        errno = 0;
        epoch_ns = strtoull(value, &end, 10);
        if (errno || *end)
            return complain("FLUXTRACE_TEST_CLOCK_EPOCH_NS is not an integer"), -1;
    }
    if ((value = getenv("FLUXTRACE_TEST_CLOCK_UUID")) != NULL && *value) {
        if (!valid_uuid(value))
            return complain("FLUXTRACE_TEST_CLOCK_UUID is not a uuid"), -1;
        memcpy(clock_uuid, value, LTTNG_UST_UUID_STR_LEN);
    } else if (read_boot_id(clock_uuid) != 0) {
        return complain("cannot read /proc/sys/kernel/random/boot_id"), -1;
    }
    return 0;
}

/* LTTng-UST calls this after dlopen()ing the library named by
 * LTTNG_UST_CLOCK_PLUGIN, before it reads any clock. */
void lttng_ust_clock_plugin_init(void);

void lttng_ust_clock_plugin_init(void) {
    const char *value;

    if ((value = getenv("FLUXTRACE_TEST_CLOCK_CONFIG")) != NULL && *value) {
        int found = read_host_line(value);
        if (found < 0)
            return complain("cannot read FLUXTRACE_TEST_CLOCK_CONFIG");
        if (found == 0)
            return complain("FLUXTRACE_TEST_CLOCK_CONFIG has no line for this host");
    } else if (read_environment() != 0) {
        return;
    }
    if (drift_ppm <= -1000.0 || drift_ppm >= 1000.0)
        return complain("the drift is not in (-1000, 1000) ppm");
    if ((value = getenv("FLUXTRACE_TEST_CLOCK_NAME")) != NULL && *value)
        clock_name = value;

    if (lttng_ust_trace_clock_set_read64_cb(is_session_daemon() ? plain_read64
                                                                : skewed_read64) ||
        lttng_ust_trace_clock_set_freq_cb(skewed_freq) ||
        lttng_ust_trace_clock_set_uuid_cb(skewed_uuid) ||
        lttng_ust_trace_clock_set_name_cb(skewed_name) ||
        lttng_ust_trace_clock_set_description_cb(skewed_description))
        return complain("LTTng-UST refused a clock callback");
    if (lttng_ust_enable_trace_clock_override())
        return complain("LTTng-UST refused the clock override");
}
