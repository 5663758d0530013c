/* A small thread-safe map from an object's address to the shim's context for
 * it (a message handler's or watcher's trampoline), freed with the object. */
#ifndef FLUXTRACE_PTRMAP_H
#define FLUXTRACE_PTRMAP_H

#include <stdbool.h>
#include <stdint.h>

void ft_ptrmap_put(const void *key, void *value);
/* Removes and returns the value, or NULL. */
void *ft_ptrmap_take(const void *key);
/* Whether the map holds `key`. */
bool ft_ptrmap_has(const void *key);

#endif
