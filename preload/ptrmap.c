#include "ptrmap.h"

#include <pthread.h>
#include <stdlib.h>

/* Open addressing with linear probing, tombstones, and doubling: a broker
 * holds some thousands of handlers and watchers at most. */
struct slot {
    const void *key;
    void *value;
};
#define TOMBSTONE ((const void *)1)

static struct slot *slots;
static size_t capacity; /* a power of two */
static size_t used;     /* live entries and tombstones */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Held across fork, so that a child never inherits it held by a thread it
 * does not have, nor the table half changed. */
static void fork_prepare(void) {
    pthread_mutex_lock(&lock);
}

static void fork_release(void) {
    pthread_mutex_unlock(&lock);
}

__attribute__((constructor)) static void register_fork_handlers(void) {
    pthread_atfork(fork_prepare, fork_release, fork_release);
}

static size_t hash(const void *key) {
    uint64_t x = (uint64_t)(uintptr_t)key;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdull;
    x ^= x >> 33;
    return (size_t)x;
}

static void insert(struct slot *table, size_t cap, const void *key, void *value) {
    size_t i = hash(key) & (cap - 1);
    while (table[i].key != NULL && table[i].key != TOMBSTONE && table[i].key != key)
        i = (i + 1) & (cap - 1);
    table[i].key = key;
    table[i].value = value;
}

static int grow(void) {
    size_t cap = capacity ? capacity * 2 : 256;
    struct slot *table = calloc(cap, sizeof *table);
    if (table == NULL)
        return -1;
    size_t live = 0;
    for (size_t i = 0; i < capacity; i++) {
        if (slots[i].key != NULL && slots[i].key != TOMBSTONE) {
            insert(table, cap, slots[i].key, slots[i].value);
            live++;
        }
    }
    free(slots);
    slots = table;
    capacity = cap;
    used = live;
    return 0;
}

void ft_ptrmap_put(const void *key, void *value) {
    pthread_mutex_lock(&lock);
    if ((used + 1) * 2 > capacity && grow() < 0) {
        pthread_mutex_unlock(&lock);
        return; /* out of memory: the context leaks, the program is unaffected */
    }
    size_t i = hash(key) & (capacity - 1);
    while (slots[i].key != NULL && slots[i].key != key) {
        if (slots[i].key == TOMBSTONE) {
            /* reuse only if the key is not further along the probe chain */
            size_t j = i;
            while (slots[j].key != NULL && slots[j].key != key)
                j = (j + 1) & (capacity - 1);
            if (slots[j].key == key)
                i = j;
            break;
        }
        i = (i + 1) & (capacity - 1);
    }
    if (slots[i].key == NULL)
        used++;
    slots[i].key = key;
    slots[i].value = value;
    pthread_mutex_unlock(&lock);
}

/* The slot of `key`, or NULL (lock held). */
static struct slot *find(const void *key) {
    if (capacity == 0)
        return NULL;
    size_t i = hash(key) & (capacity - 1);
    while (slots[i].key != NULL) {
        if (slots[i].key == key)
            return &slots[i];
        i = (i + 1) & (capacity - 1);
    }
    return NULL;
}

void *ft_ptrmap_take(const void *key) {
    void *value = NULL;
    pthread_mutex_lock(&lock);
    struct slot *s = find(key);
    if (s != NULL) {
        value = s->value;
        s->key = TOMBSTONE;
        s->value = NULL;
    }
    pthread_mutex_unlock(&lock);
    return value;
}

bool ft_ptrmap_has(const void *key) {
    pthread_mutex_lock(&lock);
    const bool found = find(key) != NULL;
    pthread_mutex_unlock(&lock);
    return found;
}
